import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { openRunFolder } from '../../src/train/run-folder.ts';
import { OUTPUT_MARKER } from '../../src/util/atomic.ts';
import { makeTempDir } from '../helpers/paths.ts';
import { UCF_TRIPLETS } from './tiny-config.ts';

const temp = makeTempDir('fruc-run-folder-');
afterAll(() => temp.cleanup());

describe('openRunFolder', () => {
  const options = (outDir: string, extra: object = {}) => ({
    outDir, resume: false, overwrite: false, dataRoot: UCF_TRIPLETS,
    ...extra,
  });

  it('when a new run fails before keep() then its folder is removed',
    async () => {
      const out = join(temp.dir, 'new-failed');

      const folder = await openRunFolder(options(out));
      expect(readdirSync(out)).toEqual([OUTPUT_MARKER]);
      expect(folder.removable).toBe(true);
      await folder.close(true);

      expect(existsSync(out)).toBe(false);
    });

  it('when a new run fails after keep() then its folder stays', async () => {
    const out = join(temp.dir, 'new-kept');

    const folder = await openRunFolder(options(out));
    folder.keep();
    await folder.close(true);

    expect(existsSync(out)).toBe(true);
  });

  it('never removes the folder of a resumed run', async () => {
    const out = join(temp.dir, 'resumed');
    mkdirSync(out);

    const folder = await openRunFolder(options(out, { resume: true }));
    await folder.close(true);

    expect(existsSync(out)).toBe(true);
  });

  it('with overwrite replaces fruc\'s own folder', async () => {
    const out = join(temp.dir, 'replaced');
    await (await openRunFolder(options(out))).close(false);
    mkdirSync(join(out, 'checkpoints'));

    const folder = await openRunFolder(options(out, { overwrite: true }));

    expect(readdirSync(out)).toEqual([OUTPUT_MARKER]);
    await folder.close(false);
    expect(existsSync(out)).toBe(true);
  });
});
