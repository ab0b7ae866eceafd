import { FrucError } from '../errors.ts';

/** The checkpoint folder given does not exist. */
export class CheckpointMissingError extends FrucError {
  constructor(dir: string) {
    super(
      'FRUC_CHECKPOINT_MISSING',
      `checkpoint folder ${dir} does not exist; check the path or ` +
        'train a model with fruc train.',
      2,
    );
    this.name = 'CheckpointMissingError';
  }
}

/** The folder exists but lacks `checkpoint.json` or a model's files. */
export class NotACheckpointError extends FrucError {
  constructor(dir: string, missing: string) {
    super(
      'FRUC_NOT_A_CHECKPOINT',
      `${dir} is not a checkpoint (${missing} is missing); pass a folder ` +
        'written by fruc train.',
      2,
    );
    this.name = 'NotACheckpointError';
  }
}

/** A checkpoint file is not valid JSON or lacks required fields. */
export class CheckpointUnreadableError extends FrucError {
  constructor(path: string, reason: string) {
    super(
      'FRUC_CHECKPOINT_UNREADABLE',
      `${path} cannot be read (${reason}); the checkpoint is damaged, ` +
        'write it again or use another one.',
    );
    this.name = 'CheckpointUnreadableError';
  }
}

/** Stored weights do not fit the model described by the checkpoint. */
export class CheckpointMismatchError extends FrucError {
  constructor(dir: string, reason: string) {
    super(
      'FRUC_CHECKPOINT_MISMATCH',
      `weights in ${dir} do not fit the model (${reason}); use the ` +
        'checkpoint with the model config it was trained with.',
    );
    this.name = 'CheckpointMismatchError';
  }
}

/** The checkpoint was written for another generator architecture. */
export class CheckpointKindError extends FrucError {
  constructor(dir: string, kind: string, wanted: string) {
    super(
      'FRUC_CHECKPOINT_MISMATCH',
      `${dir} holds a generator of model kind ${kind}, but this version of ` +
        `fruc builds ${wanted}; retrain it with this version (see ` +
        'pipelines/README.md) or load it with the version that wrote it.',
    );
    this.name = 'CheckpointKindError';
  }
}

/** A generator config field is out of its documented range. */
export class GeneratorConfigError extends FrucError {
  constructor(reason: string) {
    super(
      'FRUC_GENERATOR_CONFIG',
      `generator config is invalid: ${reason}; fix the model section ` +
        'of the config.',
      2,
    );
    this.name = 'GeneratorConfigError';
  }
}
