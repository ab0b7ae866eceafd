import * as tf from '@tensorflow/tfjs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import '../../src/kernels/register-wasm-kernels.ts';
import { cropFrame, type Frame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import { saveCheckpoint } from '../../src/models/checkpoint.ts';
import { NotACheckpointError } from '../../src/models/errors.ts';
import { createGenerator, type GeneratorConfig } from '../../src/models/generator.ts';
import { loadInferenceInterpolator } from '../../src/models/load-interpolator.ts';
import { createModelInterpolator } from '../../src/models/model-interpolator.ts';
import { sharedData } from '../helpers/paths.ts';

const CONFIG: GeneratorConfig = { width: 8, levels: 3 };

/** Consecutive DAVIS frames, cropped to an odd 121x75. */
async function davis(index: number): Promise<Frame> {
  const name = `${String(index).padStart(3, '0')}.png`;
  return cropFrame(
    await readPng(sharedData('frames', 'davis-selfie-960x507', name)),
    300, 150, 121, 75);
}

describe('loadInferenceInterpolator with worker threads', () => {
  let dir: string;
  let model: tf.LayersModel;

  beforeAll(async () => {
    await tf.setBackend('wasm');
    dir = mkdtempSync(join(tmpdir(), 'fruc-pool-'));
    model = createGenerator(CONFIG);
    // Random weights: the model moves pixels, unlike an untrained blend.
    model.setWeights(model.getWeights().map((w, i) =>
      tf.randomNormal(w.shape, 0, 0.2, 'float32', 7 + i)));
    await saveCheckpoint(join(dir, 'ck'), { generator: model, config: CONFIG,
      step: 1 });
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives what the in-thread model gives, for pairs in flight at once', async () => {
    const frames = await Promise.all([20, 21, 22, 23, 24].map(davis));
    const local = createModelInterpolator(model, CONFIG, 'local');
    const pool = await loadInferenceInterpolator(join(dir, 'ck'), 2);
    try {
      expect(pool.concurrency).toBe(2);
      expect(pool.name).toBe('model:ck');
      const pairs = frames.slice(1).map((next, i) => [frames[i], next]);
      const pooled = await Promise.all(
        pairs.map(([a, b]) => pool.interpolate(a, b)));
      for (const [i, [a, b]] of pairs.entries()) {
        const expected = await local.interpolate(a, b);
        expect([pooled[i].width, pooled[i].height]).toEqual([121, 75]);
        expect(Buffer.from(pooled[i].data).equals(Buffer.from(expected.data)))
          .toBe(true);
      }
      // The caller's frames stay whole: the pool sends copies.
      expect(frames[0].data.length).toBe(121 * 75 * 3);
    } finally {
      pool.dispose();
    }
  });

  it('refuses a folder that is no checkpoint before starting workers', async () => {
    const bogus = join(dir, 'bogus');
    mkdirSync(bogus);
    writeFileSync(join(bogus, 'notes.txt'), 'not a model\n');
    await expect(loadInferenceInterpolator(bogus, 2))
      .rejects.toBeInstanceOf(NotACheckpointError);
  });

  it('runs in this thread when asked for one thread', async () => {
    const one = await loadInferenceInterpolator(join(dir, 'ck'), 1);
    expect(one.concurrency ?? 1).toBe(1);
    one.dispose();
  });
});
