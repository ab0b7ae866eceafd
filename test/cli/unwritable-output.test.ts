import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { REPO_ROOT, sharedData } from '../helpers/paths.ts';

const asRootWithSetpriv =
  process.getuid?.() === 0 && existsSync('/usr/bin/setpriv');

describe('an output in a folder the user may not write', () => {
  // Root may write anywhere, so the test drops to the nobody user.
  it.runIf(asRootWithSetpriv)(
    'is refused with one line before any work, leaving nothing',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'fruc-ro-'));
      chmodSync(dir, 0o755);
      const readOnly = join(dir, 'ro');
      mkdirSync(readOnly, { mode: 0o555 });
      chmodSync(readOnly, 0o555);
      const out = join(readOnly, 'sub', 'report');

      const result = spawnSync('/usr/bin/setpriv', [
        '--reuid=nobody', '--regid=nogroup', '--clear-groups',
        process.execPath, join(REPO_ROOT, 'bin', 'fruc.js'), 'eval',
        sharedData('ucf101-triplets'), '--methods', 'blend',
        '--max-samples', '1', '--out', out,
      ], { encoding: 'utf8', env: { ...process.env, HOME: dir } });

      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([
        `fruc: error: ${out} cannot be written: this user may not write ` +
          `in ${readOnly}; choose another output location or fix its ` +
          'permissions.',
      ]);
      expect(existsSync(join(readOnly, 'sub'))).toBe(false);
      await rm(dir, { recursive: true, force: true });
    },
  );
});

/** Mounts an empty read-only tmpfs at a new folder; undefined where this
 * process may not mount (not root, or no mount permission). */
function mountReadOnly(): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'fruc-rofs-'));
  const mounted = spawnSync('mount',
    ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', dir]).status === 0;
  if (!mounted) {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
  return dir;
}

const readOnlyMount = process.getuid?.() === 0 ? mountReadOnly() : undefined;

describe('an output on a read-only file system', () => {
  // Mounted when this file loads, so it is unmounted here even when the
  // test itself is filtered out.
  afterAll(() => {
    if (readOnlyMount !== undefined && existsSync(readOnlyMount)) {
      spawnSync('umount', [readOnlyMount]);
      rmSync(readOnlyMount, { recursive: true, force: true });
    }
  });

  it.runIf(readOnlyMount !== undefined)(
    'is refused with one line that names the read-only mount',
    async () => {
      const dir = readOnlyMount as string;
      const out = join(dir, 'report');
      try {
        const result = spawnSync(process.execPath, [
          join(REPO_ROOT, 'bin', 'fruc.js'), 'eval',
          sharedData('ucf101-triplets'), '--methods', 'blend',
          '--max-samples', '1', '--out', out,
        ], { encoding: 'utf8' });

        expect(result.status).toBe(2);
        expect(result.stderr.trim().split('\n')).toEqual([
          `fruc: error: ${out} cannot be written: ${dir} is on a read-only ` +
            'file system; choose an output location on a writable disk.',
        ]);
      } finally {
        spawnSync('umount', [dir]);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
