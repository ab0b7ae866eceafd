import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { KernelUnavailableError } from './errors.ts';

type TensorInfo = tf.TensorInfo;
type NamedAttrMap = tf.NamedAttrMap;

/**
 * Runs another kernel of the wasm backend from inside a kernel, the way the
 * backend's own kernels call each other: `{inputs, backend, attrs}` straight
 * to the registered `kernelFunc`, with no engine, tape or tensor tracking.
 * The caller owns the returned data and must dispose it.
 */
export function runWasmKernel(
  kernelName: string,
  backend: BackendWasm,
  inputs: Record<string, TensorInfo>,
  attrs: NamedAttrMap = {},
): TensorInfo {
  const config = tf.getKernel(kernelName, 'wasm');
  if (config === undefined) {
    throw new KernelUnavailableError(kernelName);
  }
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    throw new Error(`runWasmKernel: ${kernelName} returned several outputs`);
  }
  return out;
}

/**
 * Tracks the intermediates a composite kernel creates and frees them all,
 * except the result, when the body returns or throws. Without this the wasm
 * heap leaks: kernel outputs are not seen by tf.tidy.
 */
export class WasmScope {
  private readonly created: TensorInfo[] = [];

  constructor(readonly backend: BackendWasm) {}

  /** Runs `kernelName` and tracks its output for disposal. */
  run(
    kernelName: string,
    inputs: Record<string, TensorInfo>,
    attrs: NamedAttrMap = {},
  ): TensorInfo {
    return this.track(runWasmKernel(kernelName, this.backend, inputs, attrs));
  }

  /** Reshape without a copy (shares the data, adds a reference). */
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** Adds `info` to the set disposed at the end. */
  track(info: TensorInfo): TensorInfo {
    this.created.push(info);
    return info;
  }

  /** Frees `info` now (it must have been tracked) to keep the heap small. */
  dispose(info: TensorInfo): void {
    const index = this.created.indexOf(info);
    if (index >= 0) {
      this.created.splice(index, 1);
      this.backend.disposeData(info.dataId);
    }
  }

  /** Frees every tracked intermediate except `keep`. */
  disposeAllBut(keep: TensorInfo | undefined): void {
    for (const info of this.created) {
      if (info !== keep) {
        this.backend.disposeData(info.dataId);
      }
    }
    this.created.length = 0;
  }
}

/**
 * Runs `body` with a fresh scope; intermediates are freed on return and on
 * throw, and the returned TensorInfo survives.
 */
export function withWasmScope(
  backend: BackendWasm,
  body: (scope: WasmScope) => TensorInfo,
): TensorInfo {
  const scope = new WasmScope(backend);
  let result: TensorInfo | undefined;
  try {
    result = body(scope);
    return result;
  } finally {
    scope.disposeAllBut(result);
  }
}
