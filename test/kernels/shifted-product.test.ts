import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';

import { cropFrame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import {
  hasShiftedProductKernels,
  type ProductOffsets,
  shiftedProduct,
} from '../../src/kernels/shifted-product.ts';
import { shiftedProductByConv } from '../../src/models/layers/cost-volume.ts';
import { sharedData } from '../helpers/paths.ts';
import { expectClose, randomTensor } from './wasm-test-utils.ts';

/** Grey values of a crop of a real RubberWhale frame, `[n, h, w, 1]`. */
async function realGrey(
  frameName: string,
  size: [number, number],
  batch: number,
): Promise<Float32Array> {
  const frame = await readPng(sharedData(
    'middlebury-others', 'input', 'RubberWhale', frameName));
  const [h, w] = size;
  const values = new Float32Array(batch * h * w);
  for (let n = 0; n < batch; n++) {
    const crop = cropFrame(frame, 120 + 30 * n, 90, w, h);
    for (let i = 0; i < h * w; i++) {
      values[n * h * w + i] = crop.data[i * 3 + 1] / 255;
    }
  }
  return values;
}

/** Offsets of a bilateral search of `radius`, plus lopsided extra ones. */
function testOffsets(radius: number): ProductOffsets[] {
  const out: ProductOffsets[] = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      const ax = -Math.floor(dx / 2);
      const ay = -Math.floor(dy / 2);
      out.push({ ax, ay, bx: ax + dx, by: ay + dy });
    }
  }
  out.push({ ax: 3, ay: 0, bx: 0, by: -2 });
  return out;
}

type Form = typeof shiftedProduct;

/** Value and both input gradients of `sum(dy * form(a, b))`. */
function productAndGrads(
  form: Form,
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  offsets: ProductOffsets[],
  seed: number,
): Float32Array[] {
  return tf.tidy(() => {
    const [n, h, w] = a.shape;
    const dy = randomTensor([n, h, w, offsets.length], seed);
    const value = form(a, b, offsets);
    const [da, db] = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(
      form(x as tf.Tensor4D, y as tf.Tensor4D, offsets), dy)))([a, b]);
    return [value, da, db].map((t) => (t.dataSync() as Float32Array).slice());
  });
}

const CASES: { size: [number, number]; batch: number; radius: number }[] = [
  { size: [9, 11], batch: 1, radius: 2 },
  { size: [24, 20], batch: 2, radius: 3 },
  { size: [5, 30], batch: 1, radius: 6 },
];

describe.each(['cpu', 'wasm'])('shifted-product kernels on %s', (backend) => {
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('are registered for the backend', async () => {
    await tf.setBackend(backend);

    expect(hasShiftedProductKernels()).toBe(true);
  });

  it.each(CASES)(
    'match the one-hot convolution form on real frames, $size x$batch, radius $radius',
    async ({ size, batch, radius }) => {
      await tf.setBackend(backend);
      const [h, w] = size;
      const a = tf.tensor4d(await realGrey('frame10.png', size, batch),
        [batch, h, w, 1]);
      const b = tf.tensor4d(await realGrey('frame11.png', size, batch),
        [batch, h, w, 1]);
      const offsets = testOffsets(radius);

      const got = productAndGrads(shiftedProduct, a, b, offsets, 5);
      const want = productAndGrads(shiftedProductByConv, a, b, offsets, 5);

      got.forEach((values, i) => expectClose(values, want[i], 1e-5));
      // Points outside the frame read zero, so some products are zero.
      expect(got[0].some((v) => v === 0)).toBe(true);
      expect(got[0].some((v) => v > 0.05)).toBe(true);
      tf.dispose([a, b]);
    },
  );

  it('leaves no tensors behind, gradients included', async () => {
    await tf.setBackend(backend);
    const a = tf.randomUniform([1, 6, 7, 1]) as tf.Tensor4D;
    const b = tf.randomUniform([1, 6, 7, 1]) as tf.Tensor4D;
    const before = tf.memory().numTensors;

    const grads = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(
      shiftedProduct(x as tf.Tensor4D, y as tf.Tensor4D, testOffsets(1))))(
      [a, b]);

    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([a, b, ...grads]);
  });

  it('refuses inputs with more than one channel', async () => {
    await tf.setBackend(backend);
    const a = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;

    expect(() => shiftedProduct(a, a, testOffsets(1)))
      .toThrow(/two float32 \[b, h, w, 1\] inputs/);
    a.dispose();
  });
});
