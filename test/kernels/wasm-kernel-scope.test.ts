import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';

import {
  runWasmKernel,
  withWasmScope,
} from '../../src/kernels/wasm-kernel-scope.ts';
import { wasmDataIds } from './wasm-test-utils.ts';

async function wasmBackend(): Promise<BackendWasm> {
  await tf.setBackend('wasm');
  await tf.ready();
  return tf.backend() as unknown as BackendWasm;
}

describe('withWasmScope', () => {
  it('frees intermediates and keeps the result', async () => {
    const backend = await wasmBackend();
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const before = wasmDataIds();

    const out = withWasmScope(backend, (scope) => {
      const t = scope.run('Transpose', { x }, { perm: [1, 0] });
      return scope.run('Multiply', { a: t, b: x });
    });

    expect(wasmDataIds()).toBe(before + 1);
    expect(Array.from(backend.typedArrayFromHeap(out))).toEqual([1, 6, 6, 16]);
    backend.disposeData(out.dataId);
    x.dispose();
  });

  it('frees intermediates when the body throws', async () => {
    const backend = await wasmBackend();
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const before = wasmDataIds();

    expect(() =>
      withWasmScope(backend, (scope) => {
        scope.run('Transpose', { x }, { perm: [1, 0] });
        return scope.run('NoSuchKernel', { x });
      }),
    ).toThrow(/FRUC_KERNEL_UNAVAILABLE|has no NoSuchKernel kernel/);
    expect(wasmDataIds()).toBe(before);
    x.dispose();
  });
});

describe('runWasmKernel', () => {
  it('rejects an unregistered kernel with FRUC_KERNEL_UNAVAILABLE', async () => {
    const backend = await wasmBackend();

    let caught: unknown;
    try {
      runWasmKernel('NoSuchKernel', backend, {});
    } catch (err) {
      caught = err;
    }
    expect((caught as { code?: string }).code).toBe('FRUC_KERNEL_UNAVAILABLE');
  });
});
