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
 * The padded input is transposed once to channel-major order, with the
 * columns split by stride phase. For each filter tap the strided window is
 * then one block copy `[inChannels, batch*outH*outW]`, multiplied by `dy`
 * viewed as `[batch*outH*outW, outChannels]` on XNNPACK's matmul. `dy` is
 * the matmul's right operand in every product, so XNNPACK packs it once;
 * a fresh right operand per tap, or a transposed left one, is 4-10x slower.
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
    const dy2 = scope.reshape(dy, [rows, outChannels]);
    const layout = toChannelMajor(scope, x, g);
    const tap = scope.track(backend.makeOutput([inChannels, rows], 'float32'));
    const out = scope.track(backend.makeOutput(attrs.filterShape, 'float32'));

    for (let a = 0; a < g.filterHeight; a++) {
      for (let b = 0; b < g.filterWidth; b++) {
        copyTap(backend, layout, g, tap, a * g.dilationHeight, b * g.dilationWidth);
        const product = scope.run('BatchMatMul', { a: tap, b: dy2 }, {
          transposeA: false,
          transposeB: false,
        });
        // product is [inChannels, outChannels]: the tap's block of dW.
        const base = (a * g.filterWidth + b) * inChannels * outChannels;
        backend
          .typedArrayFromHeap(out)
          .set(backend.typedArrayFromHeap(product), base);
        scope.dispose(product);
      }
    }
    return out;
  });
}

/**
 * The padded input as `[strideW, inChannels, batch, height, width / strideW]`
 * (row-major): column `c` of the padded input sits at phase `c % strideW`,
 * position `floor(c / strideW)`, so a strided column window is contiguous.
 */
interface ChannelMajorInput {
  info: TensorInfo;
  height: number;
  phaseWidth: number;
}

function toChannelMajor(
  scope: WasmScope,
  x: TensorInfo,
  g: ConvGeometry,
): ChannelMajorInput {
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
  const padded =
    g.padTop === 0 && g.padLeft === 0 && padBottom === 0 && padRight === 0
      ? x
      : scope.run('PadV2', { x }, {
          paddings: [[0, 0], [g.padTop, padBottom], [g.padLeft, padRight], [0, 0]],
          constantValue: 0,
        });

  const sw = g.strideWidth;
  const phaseWidth = width / sw;
  const pixels = g.batch * height * phaseWidth;
  // Rank 2 when unstrided: the wasm transpose is 4x faster at rank 2.
  const info =
    sw === 1
      ? scope.run('Transpose', {
          x: scope.reshape(padded, [pixels, g.inChannels]),
        }, { perm: [1, 0] })
      : scope.run('Transpose', {
          x: scope.reshape(padded, [pixels, sw, g.inChannels]),
        }, { perm: [1, 2, 0] });
  if (padded !== x) {
    scope.dispose(padded);
  }
  return { info, height, phaseWidth };
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
 * Copies the window of tap offset (`rowOffset`, `colOffset`) into `tap`
 * `[inChannels, batch * outHeight * outWidth]`: row `rowOffset + y*sh`,
 * column `colOffset + x*sw` of each channel and image.
 */
function copyTap(
  backend: BackendWasm,
  layout: ChannelMajorInput,
  g: ConvGeometry,
  tap: TensorInfo,
  rowOffset: number,
  colOffset: number,
): void {
  const src = backend.typedArrayFromHeap(layout.info);
  const dst = backend.typedArrayFromHeap(tap);
  const { height, phaseWidth } = layout;
  const sw = g.strideWidth;
  const colPhase = colOffset % sw;
  const colFirst = (colOffset - colPhase) / sw;
  const planes = g.inChannels * g.batch;
  const planeSize = height * phaseWidth;
  const rowStep = g.strideHeight * phaseWidth;
  const width = g.outWidth;
  let d = 0;
  for (let p = 0; p < planes; p++) {
    let s = (colPhase * planes + p) * planeSize + rowOffset * phaseWidth + colFirst;
    for (let y = 0; y < g.outHeight; y++) {
      if (width >= 32) {
        dst.set(src.subarray(s, s + width), d);
      } else {
        for (let i = 0; i < width; i++) {
          dst[d + i] = src[s + i];
        }
      }
      d += width;
      s += rowStep;
    }
  }
}
