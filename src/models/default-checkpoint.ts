import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The generator that ships with the project, `checkpoints/default` in the
 * package (not the working folder), trained by
 * `npm run compare -- --setting default` (see its README).
 */
export const DEFAULT_CHECKPOINT = resolve(
  fileURLToPath(new URL('../../checkpoints/default', import.meta.url)));

/** Method name that `fruc eval --methods` reads as the shipped generator. */
export const DEFAULT_METHOD = 'default';

/**
 * `dir` (default {@link DEFAULT_CHECKPOINT}) when it holds a checkpoint,
 * else `undefined` (a checkout without the trained generator).
 */
export function findDefaultCheckpoint(
  dir: string = DEFAULT_CHECKPOINT,
): string | undefined {
  return existsSync(join(dir, 'checkpoint.json')) ? dir : undefined;
}
