import type * as tf from '@tensorflow/tfjs';

type TypedArray = tf.backend_util.TypedArray;

/** Below this many elements a copy loop beats `TypedArray.set`. */
const SET_MIN = 64;

/**
 * Copies `length` elements of `src` from `from` into `dst` at `to`: by a
 * plain loop when short (the few channels of one pixel), by `set` when
 * long. Shared by the wasm `Concat` and `Slice` kernels.
 */
export function copyRun(
  dst: TypedArray,
  to: number,
  src: TypedArray,
  from: number,
  length: number,
): void {
  if (length >= SET_MIN) {
    dst.set(src.subarray(from, from + length), to);
    return;
  }
  for (let j = 0; j < length; j++) {
    dst[to + j] = src[from + j];
  }
}
