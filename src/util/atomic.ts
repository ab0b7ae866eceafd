import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve, sep } from 'node:path';

import {
  ForeignFolderError,
  OutputExistsError,
  OutputNotWritableError,
} from '../errors.ts';
import { removeOnInterrupt } from './interrupt.ts';

/**
 * Hidden file in every output folder fruc writes. `--overwrite` replaces
 * only folders that hold it, so a mistyped output path can never wipe a
 * folder of the user's own files (or the working directory).
 */
export const OUTPUT_MARKER = '.fruc-output';

/** What an output is: one file (a video) or a folder fruc fills. */
export type OutputKind = 'file' | 'folder';

/**
 * Refuses an existing destination unless `overwrite` is set, and even then
 * refuses what replacing could lose: a folder without {@link OUTPUT_MARKER},
 * a file where a folder would go, and the working folder or one above it.
 * Call before any work starts so that a refused run costs nothing.
 */
export function checkDestination(
  path: string,
  overwrite: boolean,
  kind: OutputKind,
): void {
  checkWritable(path);
  if (!existsSync(path)) {
    return;
  }
  if (!overwrite) {
    throw new OutputExistsError(path);
  }
  const cwd = process.cwd();
  const target = resolve(path);
  if (cwd === target || cwd.startsWith(`${target}${sep}`)) {
    throw new ForeignFolderError(path, 'is the working folder or holds it');
  }
  const isFolder = statSync(path).isDirectory();
  if (isFolder && !existsSync(join(path, OUTPUT_MARKER))) {
    throw new ForeignFolderError(path, 'is a folder that fruc did not write');
  }
  if (!isFolder && kind === 'folder') {
    throw new ForeignFolderError(path, 'is a file, not an output folder');
  }
}

/**
 * Throws {@link OutputNotWritableError} unless this user may create
 * entries in the nearest existing folder above `path`, where the output
 * (or the folders leading to it) will be made: found before any work.
 */
function checkWritable(path: string): void {
  let dir = dirname(resolve(path));
  while (!existsSync(dir) && dirname(dir) !== dir) {
    dir = dirname(dir);
  }
  try {
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const readOnly = (err as { code?: string }).code === 'EROFS';
    throw new OutputNotWritableError(path, dir, readOnly);
  }
}

/** Marks `dir` as written by fruc (see {@link OUTPUT_MARKER}). */
export async function markOutputFolder(dir: string): Promise<void> {
  await writeFile(join(dir, OUTPUT_MARKER), 'written by fruc\n');
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
  kind: OutputKind,
  write: (tempPath: string) => Promise<T>,
): Promise<T> {
  checkDestination(finalPath, overwrite, kind);
  await mkdir(dirname(finalPath), { recursive: true });
  const temp = tempPathFor(finalPath);
  const cleanup = () => rm(temp, { recursive: true, force: true });
  const forget = removeOnInterrupt(temp);
  try {
    const result = await write(temp);
    if ((await stat(temp)).isDirectory()) {
      await markOutputFolder(temp);
    }
    if (overwrite) {
      await rm(finalPath, { recursive: true, force: true });
    }
    await rename(temp, finalPath);
    return result;
  } catch (err) {
    await cleanup();
    throw err;
  } finally {
    forget();
  }
}

/** Writes a small file atomically (JSON, CSV, HTML). */
export async function writeFileAtomically(
  path: string,
  content: string | Uint8Array,
): Promise<void> {
  await writeAtomically(path, true, 'file', (temp) => writeFile(temp, content));
}
