/**
 * File-system errors a user can cause (an output in a folder they may not
 * write, a disk that is full) turned into one line that says what to do.
 */

/** What Node's `fs` errors carry beyond `Error`. */
interface SystemError extends Error {
  code: string;
  syscall?: string;
  path?: string;
  dest?: string;
}

const REASONS: Record<string, { what: string; todo: string }> = {
  EACCES: {
    what: 'permission denied',
    todo: 'choose a location you can write to, or fix its permissions',
  },
  EPERM: {
    what: 'operation not permitted',
    todo: 'choose a location you can write to, or fix its permissions',
  },
  EROFS: {
    what: 'the file system is read-only',
    todo: 'choose a location on a writable disk',
  },
  ENOSPC: {
    what: 'no space left on the device',
    todo: 'free some space or choose another disk',
  },
  EDQUOT: {
    what: 'disk quota exceeded',
    todo: 'free some space or choose another disk',
  },
  ENOTDIR: {
    what: 'a part of the path is a file, not a folder',
    todo: 'check the path',
  },
  EEXIST: {
    what: 'a file is in the way',
    todo: 'check the path; a file stands where a folder is needed',
  },
  EISDIR: {
    what: 'it is a folder',
    todo: 'give a file path',
  },
  EMFILE: {
    what: 'too many open files',
    todo: 'raise the limit (ulimit -n) and try again',
  },
};

function isSystemError(err: unknown): err is SystemError {
  return err instanceof Error && typeof (err as SystemError).code === 'string';
}

/**
 * One line for a file-system error the user can fix, e.g. `cannot write
 * /ro/out.mp4 (mkdir): permission denied; choose a location you can write
 * to, or fix its permissions.`; `undefined` for anything else (a bug).
 */
export function describeSystemError(err: unknown): string | undefined {
  if (!isSystemError(err)) {
    return undefined;
  }
  const reason = REASONS[err.code];
  // A write to an open file names no path; only a full disk is plain
  // enough to report without one.
  const what = err.path !== undefined
    ? `use ${err.path}`
    : PATHLESS.has(err.code) ? 'write the output' : undefined;
  if (reason === undefined || what === undefined) {
    return undefined;
  }
  const where = err.syscall ? ` (${err.syscall})` : '';
  return `cannot ${what}${where}: ${reason.what}; ${reason.todo}.`;
}

/** Codes explained even when the error names no path. */
const PATHLESS = new Set(['ENOSPC', 'EDQUOT']);

/** Folds a message onto one line (some library messages hold newlines). */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}
