import * as tf from '@tensorflow/tfjs';

import { checkImagePair } from './checks.ts';
import type { PixelLossName } from './names.ts';

/**
 * Mean absolute error over all elements.
 * @param gt True frame, `[batch, height, width, channels]`, in [0, 1].
 * @param out Predicted frame, same shape.
 */
export function l1Loss(gt: tf.Tensor4D, out: tf.Tensor4D): tf.Scalar {
  checkImagePair('l1Loss', gt, out);
  return tf.tidy(() => tf.mean(tf.abs(tf.sub(gt, out))) as tf.Scalar);
}

/**
 * Charbonnier loss, mean over all elements of sqrt((gt - out)^2 + eps^2):
 * a smooth L1 that stays differentiable at zero error.
 * @param gt True frame, `[batch, height, width, channels]`, in [0, 1].
 * @param out Predicted frame, same shape.
 * @param eps Smoothing, > 0, on the pixel scale of the inputs.
 */
export function charbonnierLoss(
  gt: tf.Tensor4D,
  out: tf.Tensor4D,
  eps: number,
): tf.Scalar {
  checkImagePair('charbonnierLoss', gt, out);
  return tf.tidy(() => {
    const diff = tf.sub(gt, out);
    const smooth = tf.sqrt(tf.add(tf.square(diff), eps * eps));
    return tf.mean(smooth) as tf.Scalar;
  });
}

/** A pixel loss with its parameters bound. */
export type PixelLoss = (gt: tf.Tensor4D, out: tf.Tensor4D) => tf.Scalar;

/** Returns the pixel loss named by the config. */
export function createPixelLoss(
  kind: PixelLossName,
  charbonnierEps: number,
): PixelLoss {
  if (kind === 'l1') {
    return l1Loss;
  }
  return (gt, out) => charbonnierLoss(gt, out, charbonnierEps);
}
