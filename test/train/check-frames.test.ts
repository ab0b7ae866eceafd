import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { findTriplets, type TripletRef } from '../../src/data/triplet-layouts.ts';
import { createFrame } from '../../src/image/frame.ts';
import { encodePng } from '../../src/image/png-io.ts';
import { checkTripletFrames } from '../../src/train/check-frames.ts';
import { makeTempDir } from '../helpers/paths.ts';
import { UCF_TRIPLETS } from './tiny-config.ts';

const temp = makeTempDir('fruc-check-frames-');
afterAll(() => temp.cleanup());
let count = 0;

/** A triplet folder of black frames of the sizes given (or raw bytes). */
function triplet(...frames: ([number, number] | string)[]): TripletRef {
  count += 1;
  const dir = join(temp.dir, `t${count}`);
  mkdirSync(dir);
  const paths = frames.map((frame, i) => {
    const path = join(dir, `frame${i}.png`);
    writeFileSync(path, typeof frame === 'string'
      ? frame : encodePng(createFrame(frame[0], frame[1])));
    return path;
  });
  return { id: `t${count}`, prev: paths[0], middle: paths[1], next: paths[2] };
}

describe('checkTripletFrames', () => {
  it('accepts frames at least as large as the crop', async () => {
    const triplets = await findTriplets(UCF_TRIPLETS);

    await expect(checkTripletFrames(triplets, 240)).resolves.toBeUndefined();
  });

  it('rejects a triplet smaller than cropSize with FRUC_TRAIN_DATA',
    async () => {
      const small = triplet([32, 32], [32, 32], [32, 32]);

      await expect(checkTripletFrames([small], 64)).rejects.toMatchObject({
        code: 'FRUC_TRAIN_DATA',
        message: expect.stringMatching(
          /^triplet t\d+ is 32x32, smaller than cropSize 64; lower cropSize/),
      });
    });

  it('rejects a triplet of mixed sizes', async () => {
    const mixed = triplet([64, 64], [64, 48], [64, 64]);

    await expect(checkTripletFrames([mixed], 32)).rejects.toThrow(
      /mixes frame sizes \(64x64 and 64x48\)/);
  });

  it.each([['garbage'], ['']])(
    'rejects a frame that is not a PNG (%j) with FRUC_IMAGE_UNREADABLE',
    async (bytes) => {
      const bad = triplet([64, 64], bytes, [64, 64]);

      await expect(checkTripletFrames([bad], 32)).rejects.toMatchObject({
        code: 'FRUC_IMAGE_UNREADABLE',
        message: expect.stringContaining(bad.middle),
      });
    });
});
