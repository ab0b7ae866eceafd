import * as tf from '@tensorflow/tfjs';
import seedrandom from 'seedrandom';
import { beforeAll, describe, expect, it } from 'vitest';

import { cropFrame, type Frame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import { backwardWarp } from '../../src/models/layers/backward-warp.ts';
import { sharedData } from '../helpers/paths.ts';

const WIDTH = 48;
const HEIGHT = 36;

/** A real 48x36 crop of a UCF101 frame as `[1, h, w, 3]` in [0, 1]. */
async function realImage(): Promise<{ frame: Frame; image: tf.Tensor4D }> {
  const full = await readPng(sharedData('ucf101-triplets', '1', 'frame0.png'));
  const frame = cropFrame(full, 140, 100, WIDTH, HEIGHT);
  const image = tf.tidy(() =>
    tf.div(tf.tensor4d(frame.data, [1, HEIGHT, WIDTH, 3], 'float32'), 255),
  ) as tf.Tensor4D;
  return { frame, image };
}

/** Plain-JS bilinear backward warp with border clamping: the reference. */
function referenceWarp(frame: Frame, flow: Float32Array): Float32Array {
  const { width, height, data } = frame;
  const out = new Float32Array(width * height * 3);
  const px = (x: number, y: number, c: number) =>
    data[(y * width + x) * 3 + c] / 255;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const sx = Math.min(Math.max(x + flow[i * 2], 0), width - 1);
      const sy = Math.min(Math.max(y + flow[i * 2 + 1], 0), height - 1);
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const x1 = Math.min(x0 + 1, width - 1);
      const y1 = Math.min(y0 + 1, height - 1);
      const ax = sx - x0;
      const ay = sy - y0;
      for (let c = 0; c < 3; c++) {
        out[i * 3 + c] =
          (1 - ay) * ((1 - ax) * px(x0, y0, c) + ax * px(x1, y0, c)) +
          ay * ((1 - ax) * px(x0, y1, c) + ax * px(x1, y1, c));
      }
    }
  }
  return out;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
  }
  return worst;
}

describe('backwardWarp', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('returns the image unchanged for a zero flow', async () => {
    const { image } = await realImage();
    const flow = tf.zeros([1, HEIGHT, WIDTH, 2]) as tf.Tensor4D;

    const warped = backwardWarp(image, flow);

    expect(warped.shape).toEqual([1, HEIGHT, WIDTH, 3]);
    expect(maxAbsDiff(warped.dataSync(), image.dataSync())).toBeLessThan(1e-5);
    tf.dispose([image, flow, warped]);
  });

  it('shifts by whole pixels for an integer flow, replicating the border', async () => {
    const { frame, image } = await realImage();
    const flow = tf.tidy(() =>
      tf.add(tf.zeros([1, HEIGHT, WIDTH, 2]), tf.tensor1d([3, -2])),
    ) as tf.Tensor4D;

    const warped = backwardWarp(image, flow).dataSync();

    const expected = new Float32Array(WIDTH * HEIGHT * 3);
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) {
        const sx = Math.min(x + 3, WIDTH - 1);
        const sy = Math.max(y - 2, 0);
        for (let c = 0; c < 3; c++) {
          expected[(y * WIDTH + x) * 3 + c] =
            frame.data[(sy * WIDTH + sx) * 3 + c] / 255;
        }
      }
    }
    expect(maxAbsDiff(warped, expected)).toBeLessThan(1e-5);
    tf.dispose([image, flow]);
  });

  it('matches a plain-JS bilinear reference for fractional flows', async () => {
    const { frame, image } = await realImage();
    const random = seedrandom('warp');
    const flowValues = Float32Array.from(
      { length: WIDTH * HEIGHT * 2 },
      () => (random() - 0.5) * 12,
    );
    const flow = tf.tensor4d(flowValues, [1, HEIGHT, WIDTH, 2]);

    const warped = backwardWarp(image, flow).dataSync();

    const expected = referenceWarp(frame, flowValues);
    expect(maxAbsDiff(warped, expected)).toBeLessThan(1e-4);
    expect(maxAbsDiff(warped, image.dataSync())).toBeGreaterThan(0.1);
    tf.dispose([image, flow]);
  });

  it('warps each image of a batch with its own flow', async () => {
    const { image } = await realImage();
    const batch = tf.concat([image, tf.reverse(image, 2)]) as tf.Tensor4D;
    const flow = tf.tidy(() =>
      tf.concat([
        tf.zeros([1, HEIGHT, WIDTH, 2]),
        tf.add(tf.zeros([1, HEIGHT, WIDTH, 2]), tf.tensor1d([1, 0])),
      ]),
    ) as tf.Tensor4D;

    const warped = backwardWarp(batch, flow);

    const [first, second] = tf.split(warped, 2);
    expect(maxAbsDiff(first.dataSync(), image.dataSync())).toBeLessThan(1e-5);
    const shifted = tf.slice(tf.reverse(image, 2), [0, 0, 1, 0], [1, -1, WIDTH - 1, 3]);
    const secondInner = tf.slice(second, [0, 0, 0, 0], [1, -1, WIDTH - 1, 3]);
    expect(maxAbsDiff(secondInner.dataSync(), shifted.dataSync())).toBeLessThan(1e-5);
    tf.dispose([image, batch, flow, warped, first, second, shifted, secondInner]);
  });

  it('gives the flow a gradient that matches finite differences', () => {
    const image = tf.randomUniform([1, 5, 6, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const random = seedrandom('grad');
    // Keep samples away from pixel boundaries, where bilinear sampling has
    // a kink and central differences are not the gradient.
    const flowValues = Float32Array.from({ length: 5 * 6 * 2 }, () => {
      const whole = Math.floor(random() * 5) - 2;
      return whole + 0.2 + random() * 0.6;
    });
    const flow = tf.tensor4d(flowValues, [1, 5, 6, 2]);
    const loss = (f: tf.Tensor) =>
      tf.sum(tf.square(backwardWarp(image, f as tf.Tensor4D)));

    const analytic = tf.grad(loss)(flow).dataSync();

    const eps = 1e-2;
    let nonZero = 0;
    for (let i = 0; i < flowValues.length; i++) {
      const plus = flowValues.slice();
      const minus = flowValues.slice();
      plus[i] += eps;
      minus[i] -= eps;
      const numeric = tf.tidy(() =>
        (loss(tf.tensor4d(plus, [1, 5, 6, 2])).dataSync()[0] -
          loss(tf.tensor4d(minus, [1, 5, 6, 2])).dataSync()[0]) / (2 * eps));
      expect(analytic[i]).toBeCloseTo(numeric, 2);
      nonZero += Math.abs(analytic[i]) > 1e-3 ? 1 : 0;
    }
    expect(nonZero).toBeGreaterThan(flowValues.length / 2);
    tf.dispose([image, flow]);
  });

  it('leaves no tensors behind', () => {
    const image = tf.randomUniform([1, 8, 8, 3]) as tf.Tensor4D;
    const flow = tf.randomNormal([1, 8, 8, 2]) as tf.Tensor4D;
    const before = tf.memory().numTensors;

    const warped = backwardWarp(image, flow);
    const grad = tf.grad((f: tf.Tensor) =>
      tf.sum(backwardWarp(image, f as tf.Tensor4D)))(flow);

    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([image, flow, warped, grad]);
  });

  it('rejects a flow whose shape does not match the image', () => {
    const image = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    const flow = tf.zeros([1, 8, 4, 2]) as tf.Tensor4D;

    expect(() => backwardWarp(image, flow)).toThrow(
      /flow must be \[1, 8, 8, 2\], but got \[1, 8, 4, 2\]/,
    );
    tf.dispose([image, flow]);
  });
});
