import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { openEvalDataset } from '../../src/eval/eval-data.ts';
import type { EvalSample } from '../../src/eval/video-protocol.ts';
import { cropFrame } from '../../src/image/frame.ts';
import { encodePng, readPng } from '../../src/image/png-io.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

async function firstSample(path: string): Promise<EvalSample> {
  const dataset = await openEvalDataset(path);
  for await (const sample of dataset.samples(1)) {
    return sample;
  }
  throw new Error('no sample');
}

describe('openEvalDataset', () => {
  it.each([
    ['middlebury-others', 'triplets', 12],
    ['ucf101-triplets', 'triplets', 21],
    ['frames/davis-selfie-960x507', 'video', 33],
    ['videos/box.mp4', 'video', 227],
  ])('reads %s as %s data with %i samples', async (path, kind, size) => {
    const dataset = await openEvalDataset(sharedData(path));

    expect(dataset.kind).toBe(kind);
    expect(dataset.size).toBe(size);
    expect(dataset.name).toBe(path.split('/').pop());
  });

  it('gives the Middlebury ground truth as the middle frame', async () => {
    const sample = await firstSample(sharedData('middlebury-others'));
    const gt = await readPng(
      sharedData('middlebury-others/gt/Beanbags/frame10i11.png'));

    expect(sample.id).toBe('Beanbags');
    expect(Buffer.from(sample.gt.data).equals(Buffer.from(gt.data))).toBe(true);
  });

  it('rejects a missing path', async () => {
    await expect(openEvalDataset(join(temp.dir, 'nope')))
      .rejects.toThrow(/data .*nope does not exist/);
  });

  it('rejects a folder with no triplets and no frames', async () => {
    const dir = join(temp.dir, 'empty');
    await mkdir(join(dir, 'sub'), { recursive: true });
    await writeFile(join(dir, 'notes.txt'), 'nothing here');

    await expect(openEvalDataset(dir)).rejects.toMatchObject({
      code: 'FRUC_NO_EVAL_DATA',
    });
  });

  it('rejects a file that is not a video', async () => {
    const file = join(temp.dir, 'fake.mp4');
    await writeFile(file, 'not a video at all');

    await expect(openEvalDataset(file)).rejects.toMatchObject({
      code: 'FRUC_NOT_A_VIDEO',
    });
  });

  it('rejects a triplet whose frames differ in size', async () => {
    const dir = join(temp.dir, 'mixed', '7');
    await mkdir(dir, { recursive: true });
    for (const name of ['frame0.png', 'frame1.png', 'frame2.png']) {
      const frame = await readPng(sharedData('ucf101-triplets/7', name));
      const kept = name === 'frame1.png' ? cropFrame(frame, 0, 0, 200, 100) : frame;
      await writeFile(join(dir, name), encodePng(kept));
    }

    await expect(firstSample(join(temp.dir, 'mixed'))).rejects.toThrow(
      /sample 7 of mixed has frames of different sizes \(320x240, 200x100/);
  });
  it('rejects triplets smaller than the SSIM window when opened', async () => {
    const dir = join(temp.dir, 'tiny', '1');
    await mkdir(dir, { recursive: true });
    const frame = await readPng(sharedData('ucf101-triplets/7/frame0.png'));
    const tiny = encodePng(cropFrame(frame, 0, 0, 10, 40));
    for (const name of ['frame0.png', 'frame1.png', 'frame2.png']) {
      await writeFile(join(dir, name), tiny);
    }

    const opened = openEvalDataset(join(temp.dir, 'tiny'));

    await expect(opened).rejects.toMatchObject({
      code: 'FRUC_FRAME_TOO_SMALL',
      exitCode: 2,
      message: expect.stringMatching(/tiny has 10x40 frames .* at least 11x11/),
    });
  });

  it('rejects a later triplet smaller than the SSIM window', async () => {
    const root = join(temp.dir, 'later-tiny');
    const frame = await readPng(sharedData('ucf101-triplets/7/frame0.png'));
    for (const [id, side] of [['1', 32], ['2', 8]] as const) {
      await mkdir(join(root, id), { recursive: true });
      for (const name of ['frame0.png', 'frame1.png', 'frame2.png']) {
        await writeFile(join(root, id, name),
          encodePng(cropFrame(frame, 0, 0, side, side)));
      }
    }
    const dataset = await openEvalDataset(root);
    const ids: string[] = [];

    const drain = async () => {
      for await (const sample of dataset.samples()) {
        ids.push(sample.id);
      }
    };

    await expect(drain()).rejects.toThrow(
      /sample 2 of later-tiny has 8x8 frames/);
    expect(ids).toEqual(['1']);
  });
});
