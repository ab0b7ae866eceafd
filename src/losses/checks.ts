import type * as tf from '@tensorflow/tfjs';

import { LossInputError } from './errors.ts';
import type { DiscriminatorOutput } from './types.ts';

function shapeText(t: tf.Tensor): string {
  return `[${t.shape.join(', ')}]`;
}

/** Checks that `gt` and `out` are rank-4 tensors of the same shape. */
export function checkImagePair(
  fn: string,
  gt: tf.Tensor,
  out: tf.Tensor,
): void {
  if (gt.rank !== 4) {
    throw new LossInputError(
      `${fn}: gt must be [batch, height, width, channels], but got ` +
        `${shapeText(gt)}.`,
    );
  }
  if (out.shape.join() !== gt.shape.join()) {
    throw new LossInputError(
      `${fn}: out must have gt's shape ${shapeText(gt)}, but got ` +
        `${shapeText(out)}.`,
    );
  }
}

/**
 * Checks a discriminator output against the image it judged: maps of
 * `[batch, height, width, 1]`, and a `[batch, 1]` global logit if needed.
 */
export function checkDiscriminatorOutput(
  fn: string,
  what: string,
  d: DiscriminatorOutput | undefined,
  image: tf.Tensor,
  needGlobal = false,
): asserts d is DiscriminatorOutput {
  if (d === undefined) {
    throw new LossInputError(`${fn}: ${what} is required by this loss.`);
  }
  const [batch, height, width] = image.shape;
  const expected = [batch, height, width, 1].join();
  for (const key of ['probs', 'logits'] as const) {
    if (d[key].shape.join() !== expected) {
      throw new LossInputError(
        `${fn}: ${what}.${key} must be [${expected}], but got ` +
          `${shapeText(d[key])}.`,
      );
    }
  }
  if (needGlobal) {
    const global = d.globalLogit;
    if (global === undefined || global.shape.join() !== `${batch},1`) {
      throw new LossInputError(
        `${fn}: ${what}.globalLogit must be [${batch}, 1], but got ` +
          `${global ? shapeText(global) : 'none'}; build the ` +
          'discriminator with its global head.',
      );
    }
  }
}
