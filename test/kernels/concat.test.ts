import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import {
  expectClose,
  onCpuAndWasm,
  randomTensor,
  wasmDataIds,
} from './wasm-test-utils.ts';

describe('Concat on wasm', () => {
  it.each([
    { shapes: [[2, 5, 7, 3], [2, 5, 7, 1], [2, 5, 7, 2]], axis: 3 },
    { shapes: [[2, 5, 7, 40], [2, 5, 7, 70]], axis: -1 },
    { shapes: [[3, 4, 2], [1, 4, 2], [2, 4, 2]], axis: 0 },
    { shapes: [[3, 4, 2], [3, 1, 2], [3, 0, 2], [3, 6, 2]], axis: 1 },
    { shapes: [[6], [100]], axis: 0 },
  ])('matches cpu for $shapes along axis $axis', async ({ shapes, axis }) => {
    const { cpu, wasm } = await onCpuAndWasm(() =>
      tf.concat(shapes.map((s, i) => randomTensor(s, i + 1)), axis),
    );

    expectClose(wasm, cpu, 1e-7);
  });

  it('keeps int32 and bool values and shapes', async () => {
    await tf.setBackend('wasm');
    const ints = tf.concat([
      tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'),
      tf.tensor2d([[5], [6]], [2, 1], 'int32'),
    ], 1);
    const bools = tf.concat([
      tf.tensor1d([true, false], 'bool'),
      tf.tensor1d([false, true, true], 'bool'),
    ]);

    expect(ints.dtype).toBe('int32');
    expect(ints.arraySync()).toEqual([[1, 2, 5], [3, 4, 6]]);
    expect(bools.dtype).toBe('bool');
    expect(Array.from(bools.dataSync())).toEqual([1, 0, 0, 1, 1]);
    tf.dispose([ints, bools]);
  });

  it('still concatenates strings (stock kernel)', async () => {
    await tf.setBackend('wasm');
    const joined = tf.concat([tf.tensor1d(['a', 'b']), tf.tensor1d(['c'])]);

    expect(joined.arraySync()).toEqual(['a', 'b', 'c']);
    joined.dispose();
  });

  it('gives concat a gradient that matches cpu and frees its buffers', async () => {
    const { cpu, wasm } = await onCpuAndWasm(() => {
      const a = randomTensor([2, 3, 3, 2], 7);
      const b = randomTensor([2, 3, 3, 1], 8);
      return tf.grads((x: tf.Tensor, y: tf.Tensor) =>
        tf.concat([x, y], 3).square().sum())([a, b]);
    });
    expectClose(wasm, cpu, 1e-6);

    const before = wasmDataIds();
    tf.tidy(() => {
      tf.concat([randomTensor([4, 3], 1), randomTensor([4, 2], 2)], 1);
    });
    expect(wasmDataIds()).toBe(before);
  });
});
