import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { extractTriplets } from '../../src/data/extract.ts';
import { createLogger, setLogger } from '../../src/util/logger.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

const BOX = sharedData('videos', 'box.mp4');
const DAVIS = sharedData('frames', 'davis-selfie-960x507');

const temp = makeTempDir('fruc-extract-errors-');
let outCount = 0;

function outDir(): string {
  outCount++;
  return join(temp.dir, `out-${outCount}`);
}

beforeAll(() => setLogger(createLogger('silent')));
afterAll(() => temp.cleanup());

describe('extractTriplets on bad input', () => {
  it('rejects a missing file', async () => {
    await expect(
      extractTriplets([join(temp.dir, 'none.mp4')], { out: outDir() }),
    ).rejects.toMatchObject({ code: 'FRUC_INPUT_MISSING' });
  });

  it('rejects a text file named .mp4', async () => {
    const fake = join(temp.dir, 'fake.mp4');
    writeFileSync(fake, 'this is text, not a video\n');

    await expect(extractTriplets([fake], { out: outDir() }))
      .rejects.toMatchObject({ code: 'FRUC_NOT_A_VIDEO' });
  });

  it('rejects an empty folder', async () => {
    const empty = join(temp.dir, 'empty');
    mkdirSync(empty);

    await expect(extractTriplets([empty], { out: outDir() }))
      .rejects.toMatchObject({
        code: 'FRUC_NO_SOURCES',
        message: expect.stringContaining('holds no video files'),
      });
  });

  it('refuses an existing output and leaves it untouched', async () => {
    const out = outDir();
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');

    await expect(extractTriplets([BOX], { out }))
      .rejects.toMatchObject({ code: 'FRUC_OUTPUT_EXISTS' });
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });

  it('rejects a crop larger than the frames with one clear error', async () => {
    const out = outDir();

    await expect(extractTriplets([BOX], { out, cropSize: 481 }))
      .rejects.toMatchObject({
        code: 'FRUC_CROP_TOO_LARGE',
        message: expect.stringMatching(/640x480.*at most 480/),
      });
    expect(existsSync(out)).toBe(false);
  });

  it('leaves nothing behind when a frame fails midway', async () => {
    const broken = join(temp.dir, 'broken');
    mkdirSync(broken);
    for (const name of ['000.png', '001.png', '002.png', '003.png']) {
      writeFileSync(join(broken, name), await readFile(join(DAVIS, name)));
    }
    writeFileSync(join(broken, '004.png'), 'not a png');
    const parent = join(temp.dir, 'fail-parent');
    const out = join(parent, 'triplets');

    await expect(extractTriplets([broken], { out, stride: 1 }))
      .rejects.toMatchObject({ code: 'FRUC_IMAGE_UNREADABLE' });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('rejects gaps too wide for every input and leaves nothing', async () => {
    const out = outDir();

    await expect(extractTriplets([DAVIS], { out, gaps: [40], cropSize: 64 }))
      .rejects.toMatchObject({
        code: 'FRUC_USAGE',
        message: expect.stringContaining('81 frames that a triplet with gap 40'),
      });
    expect(existsSync(out)).toBe(false);
  });

  it('rejects several crops of whole frames and empty inputs', async () => {
    await expect(
      extractTriplets([BOX], { out: outDir(), cropsPerTriplet: 2 }),
    ).rejects.toMatchObject({
      code: 'FRUC_USAGE',
      message: expect.stringContaining('needs --crop-size'),
    });
    await expect(extractTriplets([], { out: outDir() }))
      .rejects.toMatchObject({ code: 'FRUC_USAGE' });
    await expect(extractTriplets([BOX], { out: outDir(), stride: 0 }))
      .rejects.toMatchObject({ message: expect.stringContaining('--stride') });
    await expect(extractTriplets([BOX], { out: outDir(), gaps: [2, 2] }))
      .rejects.toMatchObject({ message: expect.stringContaining('repeats') });
    await expect(extractTriplets([BOX], { out: outDir(), gaps: [] }))
      .rejects.toMatchObject({ message: expect.stringContaining('--gaps') });
    await expect(extractTriplets([BOX], { out: outDir(), minCropMotion: 4 }))
      .rejects.toMatchObject({
        message: expect.stringContaining('--min-crop-motion needs --crop-size'),
      });
  });
});
