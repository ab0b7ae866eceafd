import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Real test data shared beside the repository; never copied into it. */
export const SHARED_DATA = resolve(REPO_ROOT, '..', 'shared', 'data');

/** Path of a file under `../shared/data`. */
export function sharedData(...parts: string[]): string {
  return join(SHARED_DATA, ...parts);
}

/** Creates a fresh temporary folder; returns it and a cleanup function. */
export function makeTempDir(prefix = 'fruc-test-'): {
  dir: string;
  cleanup: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
