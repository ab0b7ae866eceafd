import * as tf from '@tensorflow/tfjs';

import type { DiscriminatorOutput } from '../../src/losses/types.ts';

/** A `[1, 1, 2, 1]` tensor: one image of two one-channel pixels. */
export function pair(a: number, b: number): tf.Tensor4D {
  return tf.tensor4d([a, b], [1, 1, 2, 1]);
}

/** A discriminator output whose sigmoid map is `probs`. */
export function fromProbs(a: number, b: number): DiscriminatorOutput {
  const probs = pair(a, b);
  const logits = tf.log(tf.div(probs, tf.sub(1, probs))) as tf.Tensor4D;
  return { probs, logits };
}

/** A discriminator output with the given logits (and optional global). */
export function fromLogits(
  a: number,
  b: number,
  global?: number,
): DiscriminatorOutput {
  const logits = pair(a, b);
  return {
    logits,
    probs: tf.sigmoid(logits),
    globalLogit: global === undefined ? undefined : tf.tensor2d([[global]]),
  };
}

/** Plain numbers of a loss result, for comparison. */
export function valuesOf(result: {
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}): { total: number; terms: Record<string, number> } {
  const terms: Record<string, number> = {};
  for (const [key, value] of Object.entries(result.terms)) {
    terms[key] = value.dataSync()[0];
  }
  return { total: result.total.dataSync()[0], terms };
}
