import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { selectBackend } from '../../src/backend/select-backend.ts';
import { createTripletLoader } from '../../src/data/triplet-loader.ts';
import { findTriplets } from '../../src/data/triplet-layouts.ts';
import { setLearningRate } from '../../src/train/optimizers.ts';
import {
  batchTensors,
  createTrainParts,
  type TrainParts,
} from '../../src/train/train-setup.ts';
import { createTrainStep, type BatchTensors } from '../../src/train/train-step.ts';
import { tinyConfig, UCF_TRIPLETS } from './tiny-config.ts';

const triplets = (await findTriplets(UCF_TRIPLETS)).slice(0, 6);
const loader = createTripletLoader({
  triplets, batchSize: 2, cropSize: 32, flip: true, temporalReverse: true,
  seed: 1,
});
const batches = await Promise.all([0, 1, 2, 3, 4].map(loader.batchAt));

const open: TrainParts[] = [];
beforeAll(async () => {
  await selectBackend('wasm');
});
afterEach(() => {
  open.splice(0).forEach((p) => p.dispose());
});

function partsFor(loss: string): TrainParts {
  const config = tinyConfig({ loss: { name: loss } });
  const parts = createTrainParts(config, { width: 4, levels: 2 });
  open.push(parts);
  return parts;
}

function withBatch<T>(k: number, run: (b: BatchTensors) => T): T {
  const tensors = batchTensors(batches[k], 2, 32);
  try {
    return run(tensors);
  } finally {
    tf.dispose(tensors);
  }
}

function snapshot(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

describe('createTrainStep', () => {
  it('returns every AAGAN term by name and keeps the tensor count flat',
    () => {
      const step = createTrainStep(partsFor('aagan'));
      const counts: number[] = [];

      const results = batches.map((_, k) => {
        const result = withBatch(k, (b) => step(b, { adversarial: true }));
        counts.push(tf.memory().numTensors);
        return result;
      });

      expect(Object.keys(results[0].losses).sort()).toEqual([
        'd_disp', 'd_fake', 'd_real', 'd_total', 'g_adv', 'g_pixel',
        'g_total',
      ]);
      for (const value of Object.values(results[4].losses)) {
        expect(Number.isFinite(value)).toBe(true);
      }
      expect(counts[4]).toBe(counts[1]);
    });

  it('when warming up then only G trains, on the pixel loss', () => {
    const parts = partsFor('raagan');
    const step = createTrainStep(parts);
    const discBefore = snapshot(parts.discriminator!.model);
    const genBefore = snapshot(parts.generator);

    const result = withBatch(0, (b) => step(b, { adversarial: false }));

    expect(Object.keys(result.losses).sort())
      .toEqual(['g_pixel', 'g_total']);
    expect(snapshot(parts.discriminator!.model)).toEqual(discBefore);
    expect(snapshot(parts.generator)).not.toEqual(genBefore);
  });

  it('when G cannot move then the D step leaves G untouched', () => {
    const parts = partsFor('lsgan');
    setLearningRate(parts.optimizerG, 0);
    const step = createTrainStep(parts);
    const discBefore = snapshot(parts.discriminator!.model);
    const genBefore = snapshot(parts.generator);

    const result = withBatch(1, (b) => step(b, { adversarial: true }));

    expect(result.losses).toHaveProperty('d_total');
    expect(snapshot(parts.generator)).toEqual(genBefore);
    expect(snapshot(parts.discriminator!.model)).not.toEqual(discBefore);
  });

  it('pixel loss: no discriminator is built', () => {
    const parts = partsFor('pixel');
    const step = createTrainStep(parts);

    const result = withBatch(2, (b) => step(b, { adversarial: true }));

    expect(parts.discriminator).toBeUndefined();
    expect(Object.keys(result.losses).sort()).toEqual(['g_pixel', 'g_total']);
  });
});
