import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { expect } from 'vitest';

import '../../src/kernels/register-wasm-kernels.ts';

/** Uniform random values in [-1, 1), reproducible by `seed`. */
export function randomTensor(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

/**
 * Runs `compute` on the cpu backend and on wasm (with the project's
 * kernels) and returns both results as flat arrays. Tensors created by
 * `compute` are freed; `compute` must build its inputs from seeds so both
 * backends see the same values.
 */
export async function onCpuAndWasm(
  compute: () => tf.Tensor | tf.Tensor[],
): Promise<{ cpu: Float32Array; wasm: Float32Array }> {
  const run = async (backend: string): Promise<Float32Array> => {
    await tf.setBackend(backend);
    await tf.ready();
    const out = tf.tidy(() => {
      const result = compute();
      const list = Array.isArray(result) ? result : [result];
      return tf.concat(list.map((t) => t.flatten()));
    });
    const values = out.dataSync() as Float32Array;
    out.dispose();
    return values.slice();
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return { cpu, wasm };
}

/** Every element within `tolerance` (absolute plus relative). */
export function expectClose(
  actual: Float32Array,
  expected: Float32Array,
  tolerance = 1e-4,
): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const allowed = tolerance * (1 + Math.abs(expected[i]));
    worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / allowed);
  }
  expect(worst).toBeLessThanOrEqual(1);
}

/** Number of wasm data buffers alive (includes ones tf.memory misses). */
export function wasmDataIds(): number {
  const backend = tf.findBackend('wasm') as unknown as {
    numDataIds(): number;
  };
  return backend.numDataIds();
}
