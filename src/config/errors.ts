import { FrucError } from '../errors.ts';

/** The config file does not exist or cannot be read. */
export class ConfigMissingError extends FrucError {
  constructor(path: string, reason: string) {
    super(
      'FRUC_CONFIG_MISSING',
      `config ${path} ${reason}; give the path of a JSON config ` +
        '(see configs/).',
      2,
    );
    this.name = 'ConfigMissingError';
  }
}

/** The config file is not valid JSON. */
export class ConfigParseError extends FrucError {
  constructor(path: string, detail: string) {
    super(
      'FRUC_CONFIG_PARSE',
      `config ${path} is not valid JSON (${detail}); fix the syntax.`,
      2,
    );
    this.name = 'ConfigParseError';
  }
}

/** A config value is missing, of the wrong type, out of range or unknown. */
export class ConfigInvalidError extends FrucError {
  /** Dotted path of the offending key, e.g. `loss.weights.adv`. */
  readonly keyPath: string;

  constructor(
    path: string,
    keyPath: string,
    problem: string,
    fix = 'fix that value in the file',
  ) {
    super(
      'FRUC_CONFIG_INVALID',
      `config ${path}: ${keyPath || '(top level)'}: ${problem}; ${fix}.`,
      2,
    );
    this.name = 'ConfigInvalidError';
    this.keyPath = keyPath;
  }
}
