import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

import { getConvGeometry, type ConvBackpropAttrs } from './conv-geometry.ts';
import { withWasmScope, type WasmScope } from './wasm-kernel-scope.ts';

type TensorInfo = tf.TensorInfo;
type Shape4 = [number, number, number, number];

/** Attributes of `Conv2DBackpropInput` (tfjs names). */
export interface Conv2DBackpropInputAttrs extends ConvBackpropAttrs {
  /** Shape of the forward input, `[batch, height, width, inChannels]`. */
  inputShape: Shape4;
}

/**
 * Input gradient of an NHWC conv2d (and the forward pass of conv2dTranspose)
 * on the wasm backend, as one forward conv2d on XNNPACK:
 * `dx = conv2d(dyUp, flip(W) with in/out swapped)` with stride 1, the
 * forward dilation, and padding `(filter - 1) * dilation - pad` (negative
 * padding crops `dy`). For strides above 1, `dyUp` is `dy` with `stride - 1`
 * zeros inserted after every row and column.
 *
 * Limitation: zero insertion spends stride^2 times the needed work on
 * strided layers (stride 2: a quarter of the conv2d speed, still above the
 * stock kernel); splitting dx by stride phase into sub-filter convolutions
 * would remove it and was left for when strided layers dominate a profile.
 *
 * Inputs: `dy` `[batch, outHeight, outWidth, outChannels]`, `filter`
 * `[filterHeight, filterWidth, inChannels, outChannels]`. Output:
 * `attrs.inputShape`.
 */
export function conv2DBackpropInputWasm(args: {
  inputs: { dy: TensorInfo; filter: TensorInfo };
  backend: BackendWasm;
  attrs: Conv2DBackpropInputAttrs;
}): TensorInfo {
  const { inputs, backend, attrs } = args;
  const { dy, filter } = inputs;
  const g = getConvGeometry(
    'Conv2DBackpropInput',
    attrs.inputShape,
    filter.shape as Shape4,
    attrs,
  );

  return withWasmScope(backend, (scope) => {
    const upsampled = insertZeros(scope, dy, g.strideHeight, g.strideWidth);

    // Padding of the equivalent stride-1 convolution over the upsampled dy.
    const reachH = (g.filterHeight - 1) * g.dilationHeight;
    const reachW = (g.filterWidth - 1) * g.dilationWidth;
    const upHeight = upsampled.shape[1];
    const upWidth = upsampled.shape[2];
    const top = reachH - g.padTop;
    const bottom = g.inHeight - upHeight + g.padTop;
    const left = reachW - g.padLeft;
    const right = g.inWidth - upWidth + g.padLeft;
    const cropped = cropNegative(scope, upsampled, top, bottom, left, right);

    const flipped = scope.run('Reverse', { x: filter }, { dims: [0, 1] });
    const swapped = scope.run('Transpose', { x: flipped }, {
      perm: [0, 1, 3, 2],
    });

    const pad = [
      [0, 0],
      [Math.max(top, 0), Math.max(bottom, 0)],
      [Math.max(left, 0), Math.max(right, 0)],
      [0, 0],
    ];
    return scope.run('Conv2D', { x: cropped, filter: swapped }, {
      strides: [1, 1],
      pad,
      dataFormat: 'NHWC',
      dilations: [g.dilationHeight, g.dilationWidth],
      dimRoundingMode: 'floor',
    });
  });
}

/**
 * `dy` with `sh - 1` zero rows after each row and `sw - 1` zero columns
 * after each column: `[batch, outH * sh, outW * sw, channels]`.
 */
function insertZeros(
  scope: WasmScope,
  dy: TensorInfo,
  sh: number,
  sw: number,
): TensorInfo {
  if (sh === 1 && sw === 1) {
    return dy;
  }
  const [batch, height, width, channels] = dy.shape;
  const split = scope.reshape(dy, [batch, height, 1, width, 1, channels]);
  const spread = scope.run('PadV2', { x: split }, {
    paddings: [
      [0, 0],
      [0, 0],
      [0, sh - 1],
      [0, 0],
      [0, sw - 1],
      [0, 0],
    ],
    constantValue: 0,
  });
  return scope.reshape(spread, [batch, height * sh, width * sw, channels]);
}

/** Removes the rows and columns a negative padding would cut off. */
function cropNegative(
  scope: WasmScope,
  x: TensorInfo,
  top: number,
  bottom: number,
  left: number,
  right: number,
): TensorInfo {
  const cutTop = Math.max(-top, 0);
  const cutBottom = Math.max(-bottom, 0);
  const cutLeft = Math.max(-left, 0);
  const cutRight = Math.max(-right, 0);
  if (cutTop + cutBottom + cutLeft + cutRight === 0) {
    return x;
  }
  const [batch, height, width, channels] = x.shape;
  return scope.run('Slice', { x }, {
    begin: [0, cutTop, cutLeft, 0],
    size: [
      batch,
      height - cutTop - cutBottom,
      width - cutLeft - cutRight,
      channels,
    ],
  });
}
