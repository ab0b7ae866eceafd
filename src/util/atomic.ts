import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

import { OutputExistsError } from '../errors.ts';

/**
 * Refuses an existing destination unless `overwrite` is set. Call before any
 * work starts so that a refused run costs nothing.
 */
export function checkDestination(path: string, overwrite: boolean): void {
  if (existsSync(path) && !overwrite) {
    throw new OutputExistsError(path);
  }
}

/** Path next to `finalPath` where output is written until it is complete. */
export function tempPathFor(finalPath: string): string {
  const suffix = `${process.pid}-${Date.now().toString(36)}`;
  return join(dirname(finalPath), `.${basename(finalPath)}.partial-${suffix}`);
}

/**
 * Runs `write(tempPath)` and renames its result onto `finalPath` only when
 * it succeeds; on failure the temporary file or folder is removed, so no
 * half-written output is ever left at the destination.
 */
export async function writeAtomically<T>(
  finalPath: string,
  overwrite: boolean,
  write: (tempPath: string) => Promise<T>,
): Promise<T> {
  checkDestination(finalPath, overwrite);
  await mkdir(dirname(finalPath), { recursive: true });
  const temp = tempPathFor(finalPath);
  const cleanup = () => rm(temp, { recursive: true, force: true });
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  try {
    const result = await write(temp);
    if (overwrite) {
      await rm(finalPath, { recursive: true, force: true });
    }
    await rename(temp, finalPath);
    return result;
  } catch (err) {
    await cleanup();
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

/** Writes a small file atomically (JSON, CSV, HTML). */
export async function writeFileAtomically(
  path: string,
  content: string | Uint8Array,
): Promise<void> {
  await writeAtomically(path, true, (temp) => writeFile(temp, content));
}
