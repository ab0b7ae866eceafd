import { FrucError } from '../errors.ts';

/** `--setting` names neither a shipped setting nor an existing file. */
export class UnknownSettingError extends FrucError {
  constructor(name: string, valid: readonly string[]) {
    super(
      'FRUC_UNKNOWN_SETTING',
      `unknown pipeline setting "${name}"; give one of ${valid.join(', ')} ` +
        'or the path of a settings JSON file.',
      2,
    );
    this.name = 'UnknownSettingError';
  }
}

/** A list flag (`--losses`, `--seeds`) holds a value it cannot take. */
export class PipelineOptionError extends FrucError {
  constructor(flag: string, problem: string, fix: string) {
    super('FRUC_PIPELINE_OPTION', `${flag}: ${problem}; ${fix}.`, 2);
    this.name = 'PipelineOptionError';
  }
}

/**
 * A training config built from a loss config plus the pipeline's overrides
 * is invalid (e.g. a crop size the discriminator depth does not divide).
 */
export class PipelineConfigError extends FrucError {
  constructor(source: string, detail: string) {
    super(
      'FRUC_PIPELINE_CONFIG',
      `${source}: ${detail}; change the pipeline setting or the flag ` +
        'that set it.',
      2,
    );
    this.name = 'PipelineConfigError';
  }
}
