import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import {
  getConvGeometry,
  type ConvBackpropAttrs,
  type ConvGeometry,
} from './conv-geometry.ts';
import { withWasmScope, type WasmScope } from './wasm-kernel-scope.ts';

type TensorInfo = tf.TensorInfo;
type Shape4 = [number, number, number, number];

/** Attributes of `Conv2DBackpropFilter` (tfjs names). */
export interface Conv2DBackpropFilterAttrs extends ConvBackpropAttrs {
  /** `[filterHeight, filterWidth, inChannels, outChannels]`. */
  filterShape: Shape4;
}

/**
 * Filter gradient of an NHWC conv2d on the wasm backend:
 * `dW[a, b, ci, co] = sum over n, y, x of
 *   xPadded[n, y*sh + a*dh, x*sw + b*dw, ci] * dy[n, y, x, co]`.
 *
 * For each filter tap the strided window of the padded input is copied out
 * as `[batch*outH*outW, inChannels]` and multiplied by `dy` transposed once to
 * `[outChannels, batch*outH*outW]`; that product runs on XNNPACK's fast
 * matmul (a transposed-A matmul in wasm is ~10x slower). Strides become
 * phase offsets in a reshaped view, so every copy is a plain row slice.
 *
 * Inputs: `x` `[batch, height, width, inChannels]`, `dy`
 * `[batch, outHeight, outWidth, outChannels]`. Output: `attrs.filterShape`.
 */
export function conv2DBackpropFilterWasm(args: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs;
  const g = getConvGeometry(
    'Conv2DBackpropFilter',
    x.shape as Shape4,
    attrs.filterShape,
    attrs,
  );

  return withWasmScope(backend, (scope) => {
    const { batch, outHeight, outWidth, inChannels, outChannels } = g;
    const rows = batch * outHeight * outWidth;

    // dy as [outChannels, rows], the left operand of every tap product.
    const dy2 = scope.reshape(dy, [rows, outChannels]);
    const dyT = scope.run('Transpose', { x: dy2 }, { perm: [1, 0] });

    const padded = padInput(scope, x, g);
    const out = scope.track(backend.makeOutput(attrs.filterShape, 'float32'));

    for (let a = 0; a < g.filterHeight; a++) {
      const tapRows = sliceTapRows(scope, padded, g, a * g.dilationHeight);
      for (let b = 0; b < g.filterWidth; b++) {
        const tap = sliceTapColumns(scope, tapRows, g, b * g.dilationWidth);
        const tap2 = scope.reshape(tap, [rows, inChannels]);
        const product = scope.run('BatchMatMul', { a: dyT, b: tap2 }, {
          transposeA: false,
          transposeB: false,
        });
        scope.dispose(tap);
        scope.dispose(tap2);

        // product is [outChannels, inChannels]; scatter it transposed.
        const productVals = backend.typedArrayFromHeap(product);
        const outVals = backend.typedArrayFromHeap(out);
        const base = (a * g.filterWidth + b) * inChannels * outChannels;
        for (let co = 0; co < outChannels; co++) {
          for (let ci = 0; ci < inChannels; ci++) {
            outVals[base + ci * outChannels + co] =
              productVals[co * inChannels + ci];
          }
        }
        scope.dispose(product);
      }
      scope.dispose(tapRows);
    }
    return out;
  });
}

/** The padded input, with height and width rounded up to whole strides. */
interface PaddedInput {
  /** `[batch, paddedHeight, paddedWidth, inChannels]`. */
  info: TensorInfo;
  height: number;
  width: number;
}

function padInput(scope: WasmScope, x: TensorInfo, g: ConvGeometry): PaddedInput {
  const height = paddedExtent(
    g.inHeight + g.padTop,
    g.outHeight,
    g.strideHeight,
    g.filterHeight,
    g.dilationHeight,
  );
  const width = paddedExtent(
    g.inWidth + g.padLeft,
    g.outWidth,
    g.strideWidth,
    g.filterWidth,
    g.dilationWidth,
  );
  const padBottom = height - g.padTop - g.inHeight;
  const padRight = width - g.padLeft - g.inWidth;
  if (g.padTop === 0 && g.padLeft === 0 && padBottom === 0 && padRight === 0) {
    return { info: x, height, width };
  }
  const paddings = [
    [0, 0],
    [g.padTop, padBottom],
    [g.padLeft, padRight],
    [0, 0],
  ];
  const info = scope.run('PadV2', { x }, { paddings, constantValue: 0 });
  return { info, height, width };
}

/**
 * Smallest multiple of `stride` that covers both the input (with its leading
 * padding) and every position the filter reads.
 */
function paddedExtent(
  covered: number,
  outSize: number,
  stride: number,
  filterSize: number,
  dilation: number,
): number {
  const read = (outSize - 1) * stride + (filterSize - 1) * dilation + 1;
  const needed = Math.max(covered, read);
  return Math.ceil(needed / stride) * stride;
}

/**
 * Rows `offset, offset + sh, ...` of the padded input, as
 * `[batch, outHeight, paddedWidth * inChannels]`. Viewing the padded input
 * as `[batch, height / sh, sh * width * inChannels]` turns the strided row
 * pick into one contiguous slice.
 */
function sliceTapRows(
  scope: WasmScope,
  padded: PaddedInput,
  g: ConvGeometry,
  offset: number,
): TensorInfo {
  const rowLength = padded.width * g.inChannels;
  const view = scope.reshape(padded.info, [
    g.batch,
    padded.height / g.strideHeight,
    g.strideHeight * rowLength,
  ]);
  const phase = offset % g.strideHeight;
  const first = (offset - phase) / g.strideHeight;
  const sliced = scope.run('Slice', { x: view }, {
    begin: [0, first, phase * rowLength],
    size: [g.batch, g.outHeight, rowLength],
  });
  scope.dispose(view);
  return sliced;
}

/**
 * Columns `offset, offset + sw, ...` of the tap rows, as
 * `[batch * outHeight, outWidth * inChannels]` (or `[..., outWidth,
 * inChannels]` when strided); same phase trick as the rows.
 */
function sliceTapColumns(
  scope: WasmScope,
  tapRows: TensorInfo,
  g: ConvGeometry,
  offset: number,
): TensorInfo {
  const lines = g.batch * g.outHeight;
  const sw = g.strideWidth;
  const paddedWidth = tapRows.shape[2] / g.inChannels;
  const phase = offset % sw;
  const first = (offset - phase) / sw;
  const view =
    sw === 1
      ? scope.reshape(tapRows, [lines, paddedWidth * g.inChannels])
      : scope.reshape(tapRows, [lines, paddedWidth / sw, sw * g.inChannels]);
  const sliced =
    sw === 1
      ? scope.run('Slice', { x: view }, {
          begin: [0, offset * g.inChannels],
          size: [lines, g.outWidth * g.inChannels],
        })
      : scope.run('Slice', { x: view }, {
          begin: [0, first, phase * g.inChannels],
          size: [lines, g.outWidth, g.inChannels],
        });
  scope.dispose(view);
  return sliced;
}
