import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  charbonnierLoss,
  createPixelLoss,
  l1Loss,
} from '../../src/losses/pixel.ts';
import { pair } from './loss-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('pixel losses', () => {
  it('l1Loss is the mean absolute difference', () => {
    // (|0.5 - 0.3| + |1 - 1|) / 2 = 0.1
    const loss = l1Loss(pair(0.5, 1), pair(0.3, 1));

    expect(loss.dataSync()[0]).toBeCloseTo(0.1, 6);
  });

  it('charbonnierLoss is the mean of sqrt(d^2 + eps^2)', () => {
    // eps = 0.1: (sqrt(0.04 + 0.01) + sqrt(0 + 0.01)) / 2
    //          = (0.2236068 + 0.1) / 2 = 0.1618034
    const loss = charbonnierLoss(pair(0.5, 1), pair(0.3, 1), 0.1);

    expect(loss.dataSync()[0]).toBeCloseTo(0.1618034, 6);
  });

  it('createPixelLoss binds the kind and epsilon from the config', () => {
    const gt = pair(0.5, 1);
    const out = pair(0.3, 1);

    const l1 = createPixelLoss('l1', 0.1)(gt, out).dataSync()[0];
    const charb = createPixelLoss('charbonnier', 0.1)(gt, out).dataSync()[0];

    expect(l1).toBeCloseTo(0.1, 6);
    expect(charb).toBeCloseTo(0.1618034, 6);
  });

  it('leaves no intermediate tensors behind', () => {
    const gt = pair(0.5, 1);
    const out = pair(0.3, 1);
    const before = tf.memory().numTensors;

    const loss = charbonnierLoss(gt, out, 1e-3);

    expect(tf.memory().numTensors).toBe(before + 1);
    loss.dispose();
  });

  it('rejects a gt that is not rank 4', () => {
    const gt = tf.zeros([2, 1]) as unknown as tf.Tensor4D;

    expect(() => l1Loss(gt, gt)).toThrow(
      /gt must be \[batch, height, width, channels\], but got \[2, 1\]/,
    );
  });
});
