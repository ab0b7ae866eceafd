import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { readPng } from '../../src/image/png-io.ts';
import { sharedData } from '../helpers/paths.ts';
import {
  onCpuAndWasm,
  randomTensor,
  wasmDataIds,
} from './wasm-test-utils.ts';

describe('Slice on wasm', () => {
  it.each([
    { shape: [2, 5, 7, 5], begin: [0, 0, 0, 2], size: [-1, -1, -1, 2] },
    { shape: [2, 5, 7, 5], begin: [1, 1, 2, 0], size: [1, 3, 4, 5] },
    { shape: [1, 6, 9, 3], begin: [0, 0, 0, 0], size: [1, 6, 9, 3] },
    { shape: [1, 6, 90, 3], begin: [0, 2, 0, 0], size: [1, 3, 90, 3] },
    { shape: [4, 100], begin: [1, 10], size: [2, 80] },
    { shape: [30], begin: [4], size: [0] },
    { shape: [3, 4, 2, 6, 2], begin: [1, 0, 1, 2, 1], size: [2, 4, 1, 3, 1] },
  ])('matches cpu for $shape from $begin, size $size',
    async ({ shape, begin, size }) => {
      const { cpu, wasm } = await onCpuAndWasm(() =>
        tf.slice(randomTensor(shape, 3), begin, size));

      expect(Array.from(wasm)).toEqual(Array.from(cpu));
    });

  it('cuts the channels of a real frame as cpu does', async () => {
    const frame = await readPng(sharedData(
      'middlebury-others', 'input', 'RubberWhale', 'frame10.png'));
    const { cpu, wasm } = await onCpuAndWasm(() => tf.slice(
      tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'float32'),
      [0, 10, 20, 1], [1, 100, 200, 2]));

    expect(Array.from(wasm)).toEqual(Array.from(cpu));
    expect(wasm.length).toBe(100 * 200 * 2);
  });

  it('keeps int32 and bool values and shapes', async () => {
    await tf.setBackend('wasm');
    const ints = tf.slice(tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32'),
      [0, 1], [2, 2]);
    const bools = tf.slice(tf.tensor1d([true, false, true], 'bool'), 1, 2);

    expect(ints.dtype).toBe('int32');
    expect(ints.arraySync()).toEqual([[2, 3], [5, 6]]);
    expect(bools.dtype).toBe('bool');
    expect(Array.from(bools.dataSync())).toEqual([0, 1]);
    tf.dispose([ints, bools]);
  });

  it('still slices strings through the stock kernel', async () => {
    await tf.setBackend('wasm');
    const words = tf.slice(tf.tensor1d(['a', 'b', 'c']), 1, 2);

    expect(words.arraySync()).toEqual(['b', 'c']);
    words.dispose();
  });

  it('leaves no data buffers behind', async () => {
    await tf.setBackend('wasm');
    const x = randomTensor([2, 8, 8, 4], 9);
    const before = wasmDataIds();

    tf.slice(x, [0, 0, 0, 1], [-1, -1, -1, 2]).dispose();

    expect(wasmDataIds()).toBe(before);
    x.dispose();
  });
});
