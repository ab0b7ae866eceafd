import * as tf from '@tensorflow/tfjs';

import { checkDiscriminatorOutput, checkImagePair } from './checks.ts';
import type { DiscriminatorLossInputs, LossTerms } from './types.ts';

// Paper note: D's map has one channel and the frames three; wherever the
// two meet (sel, disp) the map is broadcast over the channels, so each mean
// runs over batch x height x width x channels elements. Means over D's maps
// alone (real, the relativistic means, sel_loss, mean|D(out)|) run over
// batch x height x width.

/** Weights and parameters of the AAGAN discriminator loss. */
export type AaganOptions = {
  /** w_fake, >= 0. */
  fake: number;
  /** w_disp, >= 0. */
  disp: number;
  /** r, the disparity weight, >= 0. */
  disparity: number;
};

/** Weights and parameters of the RAAGAN discriminator loss. */
export type RaaganOptions = AaganOptions & {
  /** w_sel, >= 0. */
  sel: number;
  /** Mean subtracted in the selection map: of `rel` or of raw D(gt). */
  mean: 'rel' | 'raw';
};

/** sel = m * gt + (1 - m) * out; returns mean |sel - gt|. */
function selectionError(
  map: tf.Tensor,
  gt: tf.Tensor,
  out: tf.Tensor,
): tf.Scalar {
  const sel = tf.add(tf.mul(map, gt), tf.mul(tf.sub(1, map), out));
  return tf.mean(tf.abs(tf.sub(sel, gt))) as tf.Scalar;
}

/** disp = mean |D(out) - r * |gt - out||. */
function disparityError(
  dOut: tf.Tensor,
  gt: tf.Tensor,
  out: tf.Tensor,
  r: number,
): tf.Scalar {
  const target = tf.mul(r, tf.abs(tf.sub(gt, out)));
  return tf.mean(tf.abs(tf.sub(dOut, target))) as tf.Scalar;
}

/**
 * AAGAN discriminator loss, on D's sigmoid maps (`probs`):
 * real = mean |D(gt)|; sel = D(out)*gt + (1 - D(out))*out;
 * fake = mean |sel - gt|; disp = mean |D(out) - r*|gt - out||;
 * L_D = real + w_fake*fake + w_disp*disp.
 * @returns total and terms `real`, `fake`, `disp`.
 */
export function aaganDiscriminatorLoss(
  inputs: DiscriminatorLossInputs,
  options: AaganOptions,
): LossTerms {
  const { gt, out, dReal, dFake } = inputs;
  const fn = 'aaganDiscriminatorLoss';
  checkImagePair(fn, gt, out);
  checkDiscriminatorOutput(fn, 'dReal', dReal, gt);
  checkDiscriminatorOutput(fn, 'dFake', dFake, gt);

  return tf.tidy(() => {
    const real = tf.mean(tf.abs(dReal.probs)) as tf.Scalar;
    const fake = selectionError(dFake.probs, gt, out);
    const disp = disparityError(dFake.probs, gt, out, options.disparity);
    const total = tf.addN([
      real,
      tf.mul(options.fake, fake),
      tf.mul(options.disp, disp),
    ]) as tf.Scalar;
    return { total, terms: { real, fake, disp } };
  });
}

/**
 * Relativistic AAGAN discriminator loss, on D's sigmoid maps:
 * rel = ReLU(1 + D(gt) - mean D(out)); real = mean |rel|;
 * s = ReLU(D(out) - m), m = mean rel (`rel`) or mean D(gt) (`raw`);
 * sel_loss = mean |s - 1|; sel = s*gt + (1 - s)*out; fake = mean |sel - gt|;
 * disp = mean |D(out) - r*|gt - out||;
 * L_D = real + w_fake*fake + w_sel*sel_loss + w_disp*disp.
 * @returns total and terms `real`, `fake`, `sel`, `disp`.
 */
export function raaganDiscriminatorLoss(
  inputs: DiscriminatorLossInputs,
  options: RaaganOptions,
): LossTerms {
  const { gt, out, dReal, dFake } = inputs;
  const fn = 'raaganDiscriminatorLoss';
  checkImagePair(fn, gt, out);
  checkDiscriminatorOutput(fn, 'dReal', dReal, gt);
  checkDiscriminatorOutput(fn, 'dFake', dFake, gt);

  return tf.tidy(() => {
    // Paper note: both relativistic means run over the whole batch (all
    // elements), not per image.
    const rel = tf.relu(
      tf.sub(tf.add(1, dReal.probs), tf.mean(dFake.probs)),
    );
    const real = tf.mean(tf.abs(rel)) as tf.Scalar;
    const reference =
      options.mean === 'rel' ? tf.mean(rel) : tf.mean(dReal.probs);
    const s = tf.relu(tf.sub(dFake.probs, reference));
    const sel = tf.mean(tf.abs(tf.sub(s, 1))) as tf.Scalar;
    const fake = selectionError(s, gt, out);
    const disp = disparityError(dFake.probs, gt, out, options.disparity);
    const total = tf.addN([
      real,
      tf.mul(options.fake, fake),
      tf.mul(options.sel, sel),
      tf.mul(options.disp, disp),
    ]) as tf.Scalar;
    return { total, terms: { real, fake, sel, disp } };
  });
}

/**
 * Adversarial term of the AAGAN and RAAGAN generator loss: mean |D(out)|
 * on D's sigmoid map, `[batch, height, width, 1]`. The generator learns to
 * make D see no error anywhere.
 */
export function accuracyAwareGeneratorTerm(dFakeProbs: tf.Tensor4D): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.abs(dFakeProbs)) as tf.Scalar);
}
