import type * as tf from '@tensorflow/tfjs';

import type { LossName } from './names.ts';

/**
 * What every loss returns: the value to minimise and its named, unweighted
 * terms for logging. The caller owns (and disposes) all of these tensors.
 */
export type LossTerms = {
  /** The weighted sum that is minimised. */
  total: tf.Scalar;
  /** Each term by name, before weighting, e.g. `real`, `fake`, `disp`. */
  terms: Record<string, tf.Scalar>;
};

/** The discriminator's outputs for one batch. */
export type DiscriminatorOutput = {
  /** Per-pixel sigmoid map, `[batch, height, width, 1]`, in [0, 1]. */
  probs: tf.Tensor4D;
  /** The same map before the sigmoid, `[batch, height, width, 1]`. */
  logits: tf.Tensor4D;
  /** Per-image logit from the encoder bottleneck, `[batch, 1]` (U-Net GAN). */
  globalLogit?: tf.Tensor2D;
};

/**
 * Inputs of a discriminator loss. `out` must carry no gradient to the
 * generator: compute it outside the gradient closure, or pass it through
 * `stopGradient` before the discriminator sees it.
 */
export type DiscriminatorLossInputs = {
  /** True middle frame, `[batch, height, width, channels]`, in [0, 1]. */
  gt: tf.Tensor4D;
  /** Generator's middle frame, same shape and range as `gt`. */
  out: tf.Tensor4D;
  /** D applied to the real sample. */
  dReal: DiscriminatorOutput;
  /** D applied to the generated sample. */
  dFake: DiscriminatorOutput;
};

/** Inputs of a generator loss. */
export type GeneratorLossInputs = {
  /** True middle frame, `[batch, height, width, channels]`, in [0, 1]. */
  gt: tf.Tensor4D;
  /** Generator's middle frame, same shape as `gt`, with gradient. */
  out: tf.Tensor4D;
  /** D applied to the generated sample; required by adversarial losses. */
  dFake?: DiscriminatorOutput;
  /** D applied to the real sample; required when `needsRealInGenerator`. */
  dReal?: DiscriminatorOutput;
};

/** A training loss: the generator's loss and, if adversarial, D's loss. */
export interface TrainingLoss {
  /** Registry name. */
  readonly name: LossName;
  /** True when a discriminator is trained (every loss but `pixel`). */
  readonly adversarial: boolean;
  /** True when the discriminator needs its global head (`unetgan`). */
  readonly needsGlobalHead: boolean;
  /** True when the generator loss reads `dReal` (`ralsgan`). */
  readonly needsRealInGenerator: boolean;
  /**
   * L_G = pixel + w_adv * adversarial term(s). Terms: `pixel` and the
   * adversarial term(s) (`adv`, or `advEnc` and `advDec` for U-Net GAN).
   */
  generatorLoss(inputs: GeneratorLossInputs): LossTerms;
  /** L_D; absent for `pixel`. Terms depend on the loss. */
  discriminatorLoss?(inputs: DiscriminatorLossInputs): LossTerms;
}
