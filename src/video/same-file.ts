import { existsSync, realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';

import { OutputIsInputError } from './errors.ts';

/**
 * Refuses an output that is the input itself, however it is spelled:
 * another relative path, a symbolic link or a hard link to the same file
 * or folder, or a folder holding the input (which `--overwrite` would
 * delete). A path that does not exist yet cannot be either. Call it
 * before the destination checks, so the user gets this reason and not
 * an invitation to pass `--overwrite`.
 *
 * @throws OutputIsInputError
 */
export function checkOutputIsNotInput(input: string, output: string): void {
  const target = output.replace(/(.)\/+$/, '$1');
  if (!existsSync(input) || !existsSync(target)) {
    return;
  }
  const a = statSync(input);
  const b = statSync(target);
  if (a.dev === b.dev && a.ino === b.ino) {
    throw new OutputIsInputError(output, input, false);
  }
  if (b.isDirectory()) {
    const folder = realpathSync(target);
    if (realpathSync(input).startsWith(folder === sep ? sep : folder + sep)) {
      throw new OutputIsInputError(output, input, true);
    }
  }
}
