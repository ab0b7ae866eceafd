import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import {
  checkTrainConfig,
  createTrainParts,
  type TrainParts,
} from '../../src/train/train-setup.ts';
import { tinyConfig } from './tiny-config.ts';

/** Discriminator weights by name, as plain arrays. */
function discriminatorWeights(parts: TrainParts): Map<string, Float32Array> {
  const model = parts.discriminator?.model;
  if (!model) {
    throw new Error('the tiny config has an adversarial loss');
  }
  // tfjs suffixes a second model's variable names; the layer path stays.
  return new Map(model.weights.map((w) => [
    w.name.replace(/_\d+$/, ''),
    w.read().dataSync() as Float32Array,
  ]));
}

function partsForSeed(seed: number): Map<string, Float32Array> {
  const config = tinyConfig({ seed });
  const parts = createTrainParts(config, checkTrainConfig(config));
  try {
    return discriminatorWeights(parts);
  } finally {
    parts.dispose();
  }
}

describe('createTrainParts', () => {
  // Seed 0 (the config default) once left the first layer's `u` unseeded.
  it.each([0, 3])('gives identical discriminator weights for seed %i',
    (seed) => {
      const before = tf.memory().numTensors;

      const first = partsForSeed(seed);
      const second = partsForSeed(seed);

      expect(tf.memory().numTensors).toBe(before);
      expect([...first.keys()]).toEqual([...second.keys()]);
      const uNames = [...first.keys()].filter((n) => n.endsWith('/u'));
      expect(uNames).toHaveLength(6);
      for (const [name, values] of first) {
        expect(second.get(name), name).toEqual(values);
      }
    });

  it('gives other kernels and u vectors for another seed', () => {
    const zero = partsForSeed(0);
    const one = partsForSeed(1);

    for (const [name, values] of zero) {
      if (name.endsWith('/bias')) {
        continue;
      }
      expect(one.get(name), name).not.toEqual(values);
    }
  });
});
