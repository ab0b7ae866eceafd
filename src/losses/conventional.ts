import * as tf from '@tensorflow/tfjs';

import { LossInputError } from './errors.ts';
import type { DiscriminatorOutput } from './types.ts';

// Paper note: the conventional GAN losses read D's pre-sigmoid map
// (`logits`), since each is defined on an unbounded critic output (the
// cross-entropies through a sigmoid); AAGAN and RAAGAN read the sigmoid map.
// D's output is a per-pixel map, so every term is a mean over
// batch x height x width: each pixel is a real/fake decision of its own,
// weighted equally. The U-Net GAN's encoder term is a mean over the batch.

/** Named, unweighted terms of a conventional GAN loss. */
export type GanTerms = Record<string, tf.Scalar>;

/** Cross-entropy of logits against label 1: softplus(-z). */
function crossEntropyReal(logits: tf.Tensor): tf.Scalar {
  return tf.mean(tf.softplus(tf.neg(logits))) as tf.Scalar;
}

/** Cross-entropy of logits against label 0: softplus(z). */
function crossEntropyFake(logits: tf.Tensor): tf.Scalar {
  return tf.mean(tf.softplus(logits)) as tf.Scalar;
}

/** 0.5 * mean (x - target)^2. */
function halfSquared(x: tf.Tensor, target: tf.Tensor | number): tf.Scalar {
  return tf.mul(0.5, tf.mean(tf.square(tf.sub(x, target)))) as tf.Scalar;
}

/**
 * A conventional GAN loss as two functions returning named terms; the
 * caller sums them. Bodies run inside the caller's `tf.tidy`.
 */
export type GanLossPair = {
  discriminator(real: DiscriminatorOutput, fake: DiscriminatorOutput): GanTerms;
  generator(fake: DiscriminatorOutput, real?: DiscriminatorOutput): GanTerms;
};

/**
 * Non-saturating GAN with cross-entropy (the SNGAN setting):
 * D: real = mean softplus(-z_r), fake = mean softplus(z_f);
 * G: adv = mean softplus(-z_f).
 */
export const snganLoss: GanLossPair = {
  discriminator: (real, fake) => ({
    real: crossEntropyReal(real.logits),
    fake: crossEntropyFake(fake.logits),
  }),
  generator: (fake) => ({ adv: crossEntropyReal(fake.logits) }),
};

/**
 * LSGAN with targets a = 0, b = c = 1:
 * D: real = 0.5 mean (z_r - 1)^2, fake = 0.5 mean z_f^2;
 * G: adv = 0.5 mean (z_f - 1)^2.
 */
export const lsganLoss: GanLossPair = {
  discriminator: (real, fake) => ({
    real: halfSquared(real.logits, 1),
    fake: halfSquared(fake.logits, 0),
  }),
  generator: (fake) => ({ adv: halfSquared(fake.logits, 1) }),
};

/**
 * Hinge loss: D: real = mean ReLU(1 - z_r), fake = mean ReLU(1 + z_f);
 * G: adv = -mean z_f.
 */
export const hingeLoss: GanLossPair = {
  discriminator: (real, fake) => ({
    real: tf.mean(tf.relu(tf.sub(1, real.logits))) as tf.Scalar,
    fake: tf.mean(tf.relu(tf.add(1, fake.logits))) as tf.Scalar,
  }),
  generator: (fake) => ({ adv: tf.neg(tf.mean(fake.logits)) as tf.Scalar }),
};

/**
 * Relativistic average LSGAN (means over the whole batch):
 * D: real = 0.5 mean (z_r - mean z_f - 1)^2,
 *    fake = 0.5 mean (z_f - mean z_r + 1)^2;
 * G: adv = 0.5 mean (z_f - mean z_r - 1)^2 + 0.5 mean (z_r - mean z_f + 1)^2.
 */
export const ralsganLoss: GanLossPair = {
  discriminator: (real, fake) => ({
    real: halfSquared(tf.sub(real.logits, tf.mean(fake.logits)), 1),
    fake: halfSquared(tf.sub(fake.logits, tf.mean(real.logits)), -1),
  }),
  generator: (fake, real) => {
    if (real === undefined) {
      throw new LossInputError(
        'ralsganLoss.generator: the real output is required.',
      );
    }
    const fakeTerm = halfSquared(
      tf.sub(fake.logits, tf.mean(real.logits)),
      1,
    );
    const realTerm = halfSquared(
      tf.sub(real.logits, tf.mean(fake.logits)),
      -1,
    );
    return { adv: tf.add(fakeTerm, realTerm) as tf.Scalar };
  },
};

/**
 * U-Net GAN: cross-entropy on the encoder's global logit and on the
 * decoder's per-pixel logits, both terms summed with equal weight.
 * D: encReal, encFake, decReal, decFake; G: advEnc, advDec.
 * Paper note: the U-Net GAN's CutMix consistency regularisation is left out;
 * only its two adversarial terms are used.
 */
export const unetganLoss: GanLossPair = {
  discriminator: (real, fake) => ({
    encReal: crossEntropyReal(globalOf(real)),
    encFake: crossEntropyFake(globalOf(fake)),
    decReal: crossEntropyReal(real.logits),
    decFake: crossEntropyFake(fake.logits),
  }),
  generator: (fake) => ({
    advEnc: crossEntropyReal(globalOf(fake)),
    advDec: crossEntropyReal(fake.logits),
  }),
};

function globalOf(d: DiscriminatorOutput): tf.Tensor2D {
  if (d.globalLogit === undefined) {
    throw new LossInputError('unetganLoss: the global logit is required.');
  }
  return d.globalLogit;
}
