import * as tf from '@tensorflow/tfjs';

import { KernelUnsupportedError } from './errors.ts';

/** Padding as tfjs kernels receive it. */
export type ConvPad =
  | 'valid'
  | 'same'
  | number
  | [[number, number], [number, number], [number, number], [number, number]];

/** Attributes the conv2d backprop kernels share (tfjs names). */
export interface ConvBackpropAttrs {
  strides: [number, number] | number;
  pad: ConvPad;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  /**
   * Not passed by tfjs-core (its conv2d gradient refuses dilations > 1), but
   * honoured when present so that dilated convolutions can be differentiated
   * by callers that run the kernels directly. Default 1.
   */
  dilations?: [number, number] | number;
}

/** Geometry of one NHWC 2-D convolution, as the backprop kernels need it. */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  /** Rows of zeros the forward conv adds above the input. */
  padTop: number;
  /** Columns of zeros the forward conv adds left of the input. */
  padLeft: number;
}

/**
 * Computes the forward geometry of a conv2d from the input shape
 * `[batch, height, width, inChannels]` and the filter shape
 * `[filterHeight, filterWidth, inChannels, outChannels]`.
 */
export function getConvGeometry(
  kernelName: string,
  inShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: ConvBackpropAttrs,
): ConvGeometry {
  if (attrs.dataFormat === 'NCHW') {
    throw new KernelUnsupportedError(kernelName, 'dataFormat NCHW');
  }

  const info = tf.backend_util.computeConv2DInfo(
    inShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    'channelsLast',
  );

  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
