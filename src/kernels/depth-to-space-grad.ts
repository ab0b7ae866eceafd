import * as tf from '@tensorflow/tfjs';

import { KernelUnsupportedError } from './errors.ts';

/** Attributes of `DepthToSpace` (tfjs names). */
interface DepthToSpaceAttrs {
  blockSize: number;
  dataFormat: 'NHWC' | 'NCHW';
}

/**
 * Space-to-depth, the inverse of `tf.depthToSpace` and so its gradient:
 * moves each `blockSize x blockSize` block of `x` `[b, h*bs, w*bs, c]` into
 * channels, in the order depthToSpace reads them: `[b, h, w, bs*bs*c]`.
 * NHWC only, like depthToSpace on the cpu backend.
 */
export function spaceToDepth(
  x: tf.Tensor4D,
  blockSize: number,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
): tf.Tensor4D {
  if (dataFormat !== 'NHWC') {
    throw new KernelUnsupportedError('DepthToSpace gradient', 'dataFormat NCHW');
  }
  const [batch, height, width, channels] = x.shape;
  const h = height / blockSize;
  const w = width / blockSize;
  return tf.tidy(() =>
    x
      .reshape([batch, h, blockSize, w, blockSize, channels])
      .transpose([0, 1, 3, 2, 4, 5])
      .reshape([batch, h, w, blockSize * blockSize * channels]),
  );
}

/**
 * Registers the gradient of `DepthToSpace`, which tfjs-core 4.22 lacks on
 * every backend (pixel-shuffle upsampling could not be trained). Global:
 * applies to all backends. Leaves an existing registration alone.
 */
export function registerDepthToSpaceGradient(): void {
  if (tf.getGradient('DepthToSpace') !== undefined) {
    return;
  }
  tf.registerGradient({
    kernelName: 'DepthToSpace',
    gradFunc: (dy, _saved, attrs) => {
      const { blockSize, dataFormat } = attrs as unknown as DepthToSpaceAttrs;
      return {
        x: () => spaceToDepth(dy as tf.Tensor4D, blockSize, dataFormat),
      };
    },
  });
}
