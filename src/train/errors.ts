import { FrucError } from '../errors.ts';

/** `--resume` cannot continue the run folder given. */
export class ResumeError extends FrucError {
  constructor(reason: string) {
    super(
      'FRUC_RESUME',
      `cannot resume: ${reason}; start a new run with another --out ` +
        'or pass --overwrite to start this one again.',
      2,
    );
    this.name = 'ResumeError';
  }
}

/** `--init` names a checkpoint that does not fit the config's generator. */
export class InitCheckpointError extends FrucError {
  constructor(dir: string, reason: string) {
    super(
      'FRUC_INIT_MISMATCH',
      `--init ${dir} does not fit this config (${reason}); use a ` +
        'checkpoint trained with the same generator width and levels.',
      2,
    );
    this.name = 'InitCheckpointError';
  }
}

/** The training config is valid alone but cannot be used as given. */
export class TrainConfigError extends FrucError {
  constructor(message: string) {
    super('FRUC_TRAIN_CONFIG', message, 2);
    this.name = 'TrainConfigError';
  }
}

/** `--resume` names a run folder that does not exist. */
export class NoRunFolderError extends FrucError {
  constructor(outDir: string) {
    super(
      'FRUC_NO_RUN_FOLDER',
      `cannot resume: there is no run folder ${outDir}, so nothing to ` +
        'resume; check --out, or leave out --resume and pass --config ' +
        'FILE --data DIR to start a new run there.',
      2,
    );
    this.name = 'NoRunFolderError';
  }
}

/** `--resume` without `--data` in a run that does not record its data. */
export class RunDataUnknownError extends FrucError {
  constructor(checkpoint: string) {
    super(
      'FRUC_RUN_DATA_UNKNOWN',
      `cannot resume without --data: ${checkpoint} does not record the ` +
        'data the run trained on; pass --data DIR.',
      2,
    );
    this.name = 'RunDataUnknownError';
  }
}

/**
 * A signal stopped training at a step boundary (see `deferInterrupts`);
 * `message` says where it stopped and how to continue. The CLI prints it
 * as an interrupt, not as an error.
 */
export class TrainInterruptedError extends FrucError {
  /** The signal received. */
  readonly signal: NodeJS.Signals;

  constructor(signal: NodeJS.Signals, exitCode: number, detail: string) {
    super('FRUC_INTERRUPTED', detail, exitCode);
    this.name = 'TrainInterruptedError';
    this.signal = signal;
  }
}

/** A training checkpoint that `--resume` reads is damaged. */
export class CheckpointDamagedError extends FrucError {
  /**
   * @param what The file and what is wrong with it.
   * @param hint How to point `latest` at an earlier checkpoint, or that
   *   the run has none.
   */
  constructor(dir: string, what: string, hint: string) {
    super(
      'FRUC_CHECKPOINT_DAMAGED',
      `checkpoint ${dir} is damaged (${what}); resume from an earlier ` +
        `checkpoint (${hint}) or start a new run (--overwrite replaces ` +
        'this one).',
      2,
    );
    this.name = 'CheckpointDamagedError';
  }
}

/** `--resume --data DIR` names other data than the run trained on. */
export class ResumeDataError extends FrucError {
  constructor(dataRoot: string, recorded: string) {
    super(
      'FRUC_RESUME_DATA',
      `cannot resume on --data ${dataRoot}: the run trained on ` +
        `${recorded}; leave out --data to continue on it, or add ` +
        '--new-data to train on the new folder (the best checkpoint then ' +
        'compares validation PSNR across two validation sets).',
      2,
    );
    this.name = 'ResumeDataError';
  }
}
