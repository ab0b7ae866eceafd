import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';

import {
  backwardWarp,
  warpComposite,
} from '../../src/models/layers/backward-warp.ts';
import { hasWarpKernels } from '../../src/kernels/warp-bilinear.ts';
import { expectClose, randomTensor } from './wasm-test-utils.ts';

/** Value and flow gradient of `sum(dy * warp(image, flow))`. */
function warpAndGrad(
  warp: (image: tf.Tensor4D, flow: tf.Tensor4D) => tf.Tensor4D,
  shape: [number, number, number, number],
  flowScale: number,
  seed: number,
): Float32Array[] {
  return tf.tidy(() => {
    const [b, h, w, c] = shape;
    const image = tf.randomUniform(shape, 0, 1, 'float32', seed) as tf.Tensor4D;
    const flow = tf.mul(randomTensor([b, h, w, 2], seed + 1), flowScale) as
      tf.Tensor4D;
    const dy = randomTensor([b, h, w, c], seed + 2);
    const value = warp(image, flow);
    const grad = tf.grad((f: tf.Tensor) =>
      tf.sum(tf.mul(warp(image, f as tf.Tensor4D), dy)))(flow);
    return [value.dataSync() as Float32Array, grad.dataSync() as Float32Array]
      .map((a) => a.slice());
  });
}

const CASES: { shape: [number, number, number, number]; flowScale: number }[] = [
  { shape: [1, 7, 9, 3], flowScale: 2.5 },
  { shape: [2, 12, 5, 1], flowScale: 8 },
  { shape: [3, 4, 16, 5], flowScale: 20 },
];

describe.each(['cpu', 'wasm'])('warp kernels on %s', (backend) => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('are the path backwardWarp takes', async () => {
    await tf.setBackend(backend);

    expect(hasWarpKernels()).toBe(true);
  });

  it.each(CASES)(
    'match the CropAndResize form, value and flow gradient, for $shape',
    async ({ shape, flowScale }) => {
      await tf.setBackend(backend);

      const [value, grad] = warpAndGrad(backwardWarp, shape, flowScale, 11);
      const [refValue, refGrad] = warpAndGrad(warpComposite, shape, flowScale, 11);

      expectClose(value, refValue, 1e-5);
      expectClose(grad, refGrad, 1e-4);
      expect(grad.some((g) => g === 0)).toBe(flowScale > 2);
      expect(grad.some((g) => Math.abs(g) > 1e-3)).toBe(true);
    },
  );

  it('leave no tensors or buffers behind', async () => {
    await tf.setBackend(backend);
    const image = tf.randomUniform([2, 6, 6, 3]) as tf.Tensor4D;
    const flow = tf.randomNormal([2, 6, 6, 2]) as tf.Tensor4D;
    const before = tf.memory();

    const grad = tf.grad((f: tf.Tensor) =>
      tf.sum(backwardWarp(image, f as tf.Tensor4D)))(flow);

    expect(tf.memory().numTensors).toBe(before.numTensors + 1);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers + 1);
    tf.dispose([image, flow, grad]);
  });

  it('warp an int32 image as floats', async () => {
    await tf.setBackend(backend);
    const image = tf.tensor4d([0, 10, 20, 30], [1, 2, 2, 1], 'int32');
    const flow = tf.fill([1, 2, 2, 2], 0.5) as tf.Tensor4D;

    const warped = backwardWarp(image, flow);

    expect(Array.from(warped.dataSync())).toEqual([15, 20, 25, 30]);
    tf.dispose([image, flow, warped]);
  });
});
