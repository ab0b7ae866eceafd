import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { TooFewFramesError } from '../../src/eval/errors.ts';
import { openEvalDataset } from '../../src/eval/eval-data.ts';
import { evaluate } from '../../src/eval/evaluate.ts';
import {
  videoProtocolSamples,
  type EvalSample,
} from '../../src/eval/video-protocol.ts';
import { readPng, encodePng } from '../../src/image/png-io.ts';
import {
  createBlendInterpolator,
  createRepeatInterpolator,
} from '../../src/models/baselines.ts';
import { openFrameSource } from '../../src/video/frame-source.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

const DAVIS = sharedData('frames', 'davis-selfie-960x507');
const BOX = sharedData('videos', 'box.mp4');

// scikit-image 0.19 means over samples k = 0..3 (prev f[2k], gt f[2k+1],
// next f[2k+2]) of the first 9 frames; box.mp4 frames decoded to rgb24
// by the same ffmpeg build. [psnr, ssim, ie]
const REFERENCE = {
  davis: { repeat: [35.03602888, 0.94720866, 4.54355616],
    blend: [39.12801141, 0.97027528, 2.82127305] },
  box: { repeat: [36.58016564, 0.98551167, 3.89954795],
    blend: [40.64604802, 0.99323129, 2.4311387] },
};

const methods = [
  { label: 'repeat', interpolator: createRepeatInterpolator() },
  { label: 'blend', interpolator: createBlendInterpolator() },
];

const temp = makeTempDir();
afterAll(() => temp.cleanup());

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

describe('videoProtocolSamples', () => {
  it('pairs f[2k] and f[2k+2] around the dropped frame f[2k+1]', async () => {
    const source = await openFrameSource(DAVIS);

    const samples: EvalSample[] = [];
    for await (const sample of videoProtocolSamples(source, 3)) {
      samples.push(sample);
    }

    expect(samples.map((s) => s.id)).toEqual(
      ['frame-000001', 'frame-000003', 'frame-000005']);
    const f4 = await readPng(join(DAVIS, '004.png'));
    const f5 = await readPng(join(DAVIS, '005.png'));
    const f6 = await readPng(join(DAVIS, '006.png'));
    expect(sameBytes(samples[2].prev.data, f4.data)).toBe(true);
    expect(sameBytes(samples[2].gt.data, f5.data)).toBe(true);
    expect(sameBytes(samples[2].next.data, f6.data)).toBe(true);
    expect(samples[1].next).toBe(samples[2].prev);
  });

  it.each([
    ['davis frame folder', DAVIS, REFERENCE.davis],
    ['box.mp4', BOX, REFERENCE.box],
  ])('reproduces scikit-image on the %s', async (_name, path, reference) => {
    const dataset = await openEvalDataset(path);

    const results = await evaluate([dataset], methods, { maxSamples: 4 });

    const means = results.datasets[0].means;
    for (const label of ['repeat', 'blend'] as const) {
      const [psnr, ssim, ie] = reference[label];
      expect(means[label].samples).toBe(4);
      expect(Math.abs(means[label].psnr - psnr)).toBeLessThan(1e-6);
      expect(Math.abs(means[label].ssim - ssim)).toBeLessThan(1e-5);
      expect(Math.abs(means[label].ie - ie)).toBeLessThan(1e-6);
    }
  });

  it('rejects a frame folder shorter than three frames', async () => {
    const dir = join(temp.dir, 'two-frames');
    await mkdir(dir);
    for (const name of ['000.png', '001.png']) {
      await writeFile(join(dir, name),
        encodePng(await readPng(join(DAVIS, name))));
    }
    const source = await openFrameSource(dir);

    const drain = async () => {
      for await (const sample of videoProtocolSamples(source)) {
        expect(sample).toBeUndefined();
      }
    };

    await expect(drain()).rejects.toThrow(TooFewFramesError);
    await expect(drain()).rejects.toThrow(/has 2 frame\(s\).*at least 3/);
  });
});
