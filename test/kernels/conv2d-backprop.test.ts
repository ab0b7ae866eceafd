import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import {
  expectClose,
  onCpuAndWasm,
  randomTensor,
  wasmDataIds,
} from './wasm-test-utils.ts';

type Pad =
  | 'same'
  | 'valid'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

interface ConvCase {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  stride: number | [number, number];
  pad: Pad;
}

const CASES: ConvCase[] = [
  { x: [2, 9, 7, 3], filter: [3, 3, 3, 5], stride: 1, pad: 'same' },
  { x: [1, 8, 8, 4], filter: [3, 3, 4, 2], stride: 2, pad: 'same' },
  { x: [3, 9, 11, 3], filter: [3, 3, 3, 4], stride: 2, pad: 'valid' },
  { x: [1, 10, 9, 2], filter: [5, 5, 2, 3], stride: 3, pad: 'valid' },
  { x: [1, 12, 10, 6], filter: [4, 2, 6, 8], stride: [2, 1], pad: 'same' },
  {
    x: [1, 7, 8, 3],
    filter: [3, 3, 3, 2],
    stride: 2,
    pad: [[0, 0], [2, 1], [0, 3], [0, 0]],
  },
  { x: [2, 6, 6, 2], filter: [2, 2, 2, 2], stride: 1, pad: 1 },
  { x: [1, 5, 5, 1], filter: [1, 1, 1, 3], stride: 1, pad: 'valid' },
];

function label(c: ConvCase): string {
  return `x ${c.x.join('x')}, filter ${c.filter.join('x')}, ` +
    `stride ${String(c.stride)}, pad ${JSON.stringify(c.pad)}`;
}

describe('Conv2DBackpropFilter and Conv2DBackpropInput on wasm', () => {
  it.each(CASES)('match the cpu backend for $x / $filter / $stride / $pad', async (c) => {
    const { cpu, wasm } = await onCpuAndWasm(() => {
      const x = randomTensor(c.x, 1) as tf.Tensor4D;
      const filter = randomTensor(c.filter, 2) as tf.Tensor4D;
      const conv = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad);
      const dy = randomTensor(conv(x, filter).shape, 3);
      return tf.grads(conv)([x, filter], dy);
    });

    expect(cpu.length, label(c)).toBeGreaterThan(0);
    expectClose(wasm, cpu);
  });

  it('conv2dTranspose (forward is Conv2DBackpropInput) matches cpu', async () => {
    const { cpu, wasm } = await onCpuAndWasm(() => {
      const x = randomTensor([2, 5, 6, 4], 4) as tf.Tensor4D;
      const filter = randomTensor([4, 4, 3, 4], 5) as tf.Tensor4D;
      const up = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2dTranspose(
          a as tf.Tensor4D,
          b as tf.Tensor4D,
          [2, 10, 12, 3],
          2,
          'same',
        );
      const dy = randomTensor([2, 10, 12, 3], 6);
      return [up(x, filter), ...tf.grads(up)([x, filter], dy)];
    });

    expectClose(wasm, cpu);
  });

  it('dilated forward conv2d (rate 2) matches cpu', async () => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      tf.conv2d(
        randomTensor([2, 11, 9, 3], 7) as tf.Tensor4D,
        randomTensor([3, 3, 3, 4], 8) as tf.Tensor4D,
        1,
        'same',
        'NHWC',
        2,
      ),
    );

    expectClose(wasm, cpu);
  });

  it('dilation 2 backprop kernels are the adjoints of the dilated conv', async () => {
    // tfjs-core refuses dilated gradients and the cpu kernels ignore the
    // attribute, so check <conv(x, w), dy> = <x, dX(dy)> = <w, dW(x, dy)>.
    await tf.setBackend('wasm');
    const [forward, viaInput, viaFilter] = tf.tidy(() => {
      const x = randomTensor([2, 10, 9, 3], 9) as tf.Tensor4D;
      const w = randomTensor([3, 3, 3, 4], 10) as tf.Tensor4D;
      const y = tf.conv2d(x, w, 1, 'same', 'NHWC', 2);
      const dy = randomTensor(y.shape, 11);
      const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', dilations: 2 };
      const dx = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, {
        ...attrs,
        inputShape: x.shape,
      }) as tf.Tensor;
      const dw = tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, {
        ...attrs,
        filterShape: w.shape,
      }) as tf.Tensor;
      return [y.mul(dy).sum(), x.mul(dx).sum(), w.mul(dw).sum()].map(
        (t) => t.dataSync()[0],
      );
    });

    expect(viaInput).toBeCloseTo(forward, 3);
    expect(viaFilter).toBeCloseTo(forward, 3);
  });

  it('frees every intermediate: no wasm buffers or tensors are left', async () => {
    await tf.setBackend('wasm');
    const x = randomTensor([2, 8, 8, 3], 12) as tf.Tensor4D;
    const w = randomTensor([3, 3, 3, 4], 13) as tf.Tensor4D;
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = wasmDataIds();

    for (const stride of [1, 2]) {
      tf.tidy(() => {
        const loss = (a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, 'same').square().sum();
        tf.grads(loss)([x, w]);
      });
    }

    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(wasmDataIds()).toBe(buffersBefore);
    tf.dispose([x, w]);
  });

  it('refuses NCHW filter gradients with FRUC_KERNEL_UNSUPPORTED', async () => {
    await tf.setBackend('wasm');
    const run = () =>
      tf.tidy(() =>
        tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x: tf.zeros([1, 2, 4, 4]), dy: tf.zeros([1, 2, 4, 4]) },
          { strides: 1, pad: 'same', dataFormat: 'NCHW', filterShape: [3, 3, 2, 2] },
        ),
      );

    expect(run).toThrow(/FRUC_KERNEL_UNSUPPORTED|does not support dataFormat NCHW/);
  });
});
