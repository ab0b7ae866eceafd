/**
 * `upconvert` on inputs that once went wrong silently: an output that is
 * the input.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { basename, join, relative } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createRepeatInterpolator } from '../../src/models/baselines.ts';
import { createLogger, setLogger } from '../../src/util/logger.ts';
import { listPngFrames } from '../../src/video/frame-source.ts';
import { upconvert, type UpconvertOptions } from '../../src/video/upconvert.ts';
import { makeTempDir } from '../helpers/paths.ts';
import { testsrcClip, testsrcFolder } from './upconvert-fixtures.ts';

const REPEAT: UpconvertOptions = {
  factor: 2, method: createRepeatInterpolator(), progress: false,
};

describe('upconvert inputs', () => {
  let dir: string;
  let cleanup: () => void;

  beforeAll(() => {
    setLogger(createLogger('silent'));
    ({ dir, cleanup } = makeTempDir('fruc-upconvert-inputs-'));
  });
  afterAll(() => cleanup());

  describe('an output that is the input', () => {
    it('refuses the same file by any path, even with overwrite', async () => {
      const input = testsrcClip(join(dir, 'small.mp4'), {
        size: '32x24', rate: 10, frames: 4,
      });
      const link = join(dir, 'small-link.mp4');
      symlinkSync(input, link);
      const before = readFileSync(input);
      const mtime = statSync(input).mtimeMs;
      const spellings = [
        input,
        join(dir, '..', basename(dir), 'small.mp4'),
        relative(process.cwd(), input),
        link,
      ];

      for (const out of spellings) {
        await expect(upconvert(input, out, { ...REPEAT, overwrite: true }))
          .rejects.toMatchObject({
            code: 'FRUC_OUTPUT_IS_INPUT',
            message: expect.stringMatching(/is the input .*small\.mp4/),
          });
      }

      expect(readFileSync(input).equals(before)).toBe(true);
      expect(statSync(input).mtimeMs).toBe(mtime);
      expect(readdirSync(dir).filter((n) => n.includes('partial')))
        .toEqual([]);
    });

    it('refuses a frames folder given as input and output', async () => {
      const folder = testsrcFolder(join(dir, 'own-frames'), {
        size: '16x16', frames: 3,
      });

      await expect(upconvert(folder, `${folder}/`, {
        ...REPEAT, overwrite: true,
      })).rejects.toMatchObject({ code: 'FRUC_OUTPUT_IS_INPUT' });

      expect(await listPngFrames(folder)).toHaveLength(3);
    });

    it('refuses an output folder that holds the input', async () => {
      const holder = join(dir, 'holder');
      mkdirSync(holder);
      const input = testsrcClip(join(holder, 'in.mp4'), {
        size: '16x16', rate: 10, frames: 2,
      });

      await expect(upconvert(input, holder, { ...REPEAT, overwrite: true }))
        .rejects.toMatchObject({
          code: 'FRUC_OUTPUT_IS_INPUT',
          message: expect.stringMatching(/holder holds the input/),
        });

      expect(readdirSync(holder)).toEqual(['in.mp4']);
    });
  });
});
