import * as tf from '@tensorflow/tfjs';

/** Attributes of `DepthToSpace` (tfjs names). */
interface DepthToSpaceAttrs {
  blockSize: number;
  dataFormat: 'NHWC' | 'NCHW';
}

/**
 * Space-to-depth, the inverse of `tf.depthToSpace` and so its gradient:
 * moves each `blockSize x blockSize` block of `x` into channels, in the
 * order depthToSpace reads them. NHWC `[b, h*bs, w*bs, c]` gives
 * `[b, h, w, bs*bs*c]`; NCHW `[b, c, h*bs, w*bs]` gives `[b, bs*bs*c, h, w]`.
 */
export function spaceToDepth(
  x: tf.Tensor4D,
  blockSize: number,
  dataFormat: 'NHWC' | 'NCHW' = 'NHWC',
): tf.Tensor4D {
  return tf.tidy(() => {
    const bs = blockSize;
    if (dataFormat === 'NHWC') {
      const [batch, height, width, channels] = x.shape;
      const h = height / bs;
      const w = width / bs;
      return x
        .reshape([batch, h, bs, w, bs, channels])
        .transpose([0, 1, 3, 2, 4, 5])
        .reshape([batch, h, w, bs * bs * channels]);
    }
    const [batch, channels, height, width] = x.shape;
    const h = height / bs;
    const w = width / bs;
    return x
      .reshape([batch, channels, h, bs, w, bs])
      .transpose([0, 3, 5, 1, 2, 4])
      .reshape([batch, bs * bs * channels, h, w]);
  });
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
