/**
 * Base class of every error a user can cause. The CLI prints `message` as one
 * line and exits with `exitCode`; no stack trace is shown for these.
 */
export class FrucError extends Error {
  /** Stable identifier, e.g. `FRUC_INPUT_MISSING`. */
  readonly code: string;
  /** Process exit status the CLI uses for this error. */
  readonly exitCode: number;

  constructor(code: string, message: string, exitCode = 1) {
    super(message);
    this.name = 'FrucError';
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** The user asked for something invalid (bad flag value, missing file). */
export class UsageError extends FrucError {
  constructor(message: string, code = 'FRUC_USAGE') {
    super(code, message, 2);
    this.name = 'UsageError';
  }
}

/** The destination exists and `--overwrite` was not given. */
export class OutputExistsError extends FrucError {
  constructor(path: string) {
    super(
      'FRUC_OUTPUT_EXISTS',
      `${path} already exists; choose another output or pass --overwrite.`,
      2,
    );
    this.name = 'OutputExistsError';
  }
}

/**
 * An existing path that fruc may not replace was given as output (a
 * folder fruc did not write, a file where a folder goes, the working
 * folder); replacing it could delete the user's files.
 */
export class ForeignFolderError extends FrucError {
  constructor(path: string, what: string) {
    super(
      'FRUC_OUTPUT_NOT_OURS',
      `${path} ${what}; fruc replaces only its own outputs, even with ` +
        '--overwrite, so choose another output path or remove it yourself.',
      2,
    );
    this.name = 'ForeignFolderError';
  }
}

/** The folder an output would be written in is not writable: this user
 * lacks permission, or (`readOnly`) its file system is mounted read-only. */
export class OutputNotWritableError extends FrucError {
  constructor(path: string, dir: string, readOnly = false) {
    super(
      'FRUC_OUTPUT_NOT_WRITABLE',
      readOnly
        ? `${path} cannot be written: ${dir} is on a read-only file ` +
          'system; choose an output location on a writable disk.'
        : `${path} cannot be written: this user may not write in ${dir}; ` +
          'choose another output location or fix its permissions.',
      2,
    );
    this.name = 'OutputNotWritableError';
  }
}

/** An input file or folder does not exist. */
export class InputMissingError extends FrucError {
  constructor(path: string, what = 'input') {
    super(
      'FRUC_INPUT_MISSING',
      `${what} ${path} does not exist; check the path.`,
      2,
    );
    this.name = 'InputMissingError';
  }
}
