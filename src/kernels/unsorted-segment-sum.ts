import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { KernelUnsupportedError } from './errors.ts';

type TensorInfo = tf.TensorInfo;

/**
 * `UnsortedSegmentSum` for the wasm backend (the gradient of gather, hence
 * of bilinear warping, runs through it): `out[s, ...] = sum of x[i, ...]
 * over every i with segmentIds[i] === s`. Ids outside `[0, numSegments)`
 * are dropped, as on the cpu backend.
 *
 * One pass over `x` in JavaScript on the wasm heap: memory-bound, so it
 * runs in O(x.size) where the cpu backend's kernel is O(x.size *
 * numSegments).
 *
 * Inputs: `x` `[...idsShape, ...inner]` (float32 or int32), `segmentIds`
 * int32 `idsShape`. Output: `[numSegments, ...inner]`, `x`'s dtype.
 */
export function unsortedSegmentSumWasm(args: {
  inputs: { x: TensorInfo; segmentIds: TensorInfo };
  backend: BackendWasm;
  attrs: { numSegments: number };
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, segmentIds } = inputs;
  const { numSegments } = attrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new KernelUnsupportedError('UnsortedSegmentSum', `dtype ${x.dtype}`);
  }

  const innerShape = x.shape.slice(segmentIds.shape.length);
  const inner = innerShape.reduce((p, d) => p * d, 1);
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);

  // Views are taken after makeOutput: a heap resize detaches older ones.
  const xVals = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  const outVals = backend.typedArrayFromHeap(out);
  outVals.fill(0);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i];
    if (segment < 0 || segment >= numSegments) {
      continue;
    }
    const src = i * inner;
    const dst = segment * inner;
    for (let j = 0; j < inner; j++) {
      outVals[dst + j] += xVals[src + j];
    }
  }
  return out;
}
