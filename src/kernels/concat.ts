import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { copyRun } from './copy-run.ts';

type TensorInfo = tf.TensorInfo;

/**
 * `Concat` for the wasm backend on numeric and bool tensors. The stock
 * kernel copies one `subarray` per input per row; concatenating channels
 * of NHWC images (a few values per pixel) then costs a call per pixel and
 * input, 20 ms for a 320x240 frame. Here each row is copied by `copyRun`
 * (a plain loop when short, `set` when long). Returns `undefined` for what it does not
 * handle (strings, mixed dtypes), so the caller can use the stock kernel.
 */
export function concatWasm(args: {
  inputs: TensorInfo[];
  backend: BackendWasm;
  attrs: { axis: number | number[] };
}): TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const dtype = inputs[0].dtype;
  if (dtype === 'string' || dtype === 'complex64' ||
    inputs.some((t) => t.dtype !== dtype)) {
    return undefined;
  }
  const rank = inputs[0].shape.length;
  const axis = tf.util.parseAxisParam(attrs.axis, inputs[0].shape)[0];
  tf.backend_util.assertParamsConsistent(inputs.map((t) => t.shape), axis);
  const outShape = tf.backend_util.computeOutShape(
    inputs.map((t) => t.shape),
    axis,
  );
  const parts = inputs.filter((t) => tf.util.sizeFromShape(t.shape) > 0);
  if (parts.length === 1 || rank === 0) {
    return undefined;
  }

  const out = backend.makeOutput(outShape, dtype);
  const rows = tf.util.sizeFromShape(outShape.slice(0, axis));
  const widths = parts.map((t) => tf.util.sizeFromShape(t.shape.slice(axis)));
  const rowWidth = widths.reduce((a, b) => a + b, 0);
  // Views are taken after makeOutput: a heap resize detaches older ones.
  const outVals = backend.typedArrayFromHeap(out);
  let start = 0;
  parts.forEach((part, p) => {
    const vals = backend.typedArrayFromHeap(part);
    const width = widths[p];
    for (let r = 0; r < rows; r++) {
      copyRun(outVals, r * rowWidth + start, vals, r * width, width);
    }
    start += width;
  });
  return out;
}
