import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

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
