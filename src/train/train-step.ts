/**
 * One training step: a discriminator update, then a generator update.
 * The step returns plain numbers by name, so logging never reaches into
 * the models.
 */
import * as tf from '@tensorflow/tfjs';

import type { DiscriminatorOutput, TrainingLoss } from '../losses/types.ts';
import {
  discriminatorInput,
  type Discriminator,
} from '../models/discriminator.ts';

/** A batch on the active backend, `[batch, size, size, 3]` in [0, 1]. */
export interface BatchTensors {
  prev: tf.Tensor4D;
  middle: tf.Tensor4D;
  next: tf.Tensor4D;
}

/** What one step reports. */
export interface StepResult {
  /**
   * Every loss term by name: `g_total` and `g_<term>` for the generator
   * (`g_pixel`, `g_adv`...), `d_total` and `d_<term>` for the
   * discriminator (`d_real`, `d_fake`, `d_disp`, `d_sel`...) when it ran.
   */
  losses: Record<string, number>;
}

/** The networks, losses and optimisers a step updates. */
export interface TrainStepParts {
  generator: tf.LayersModel;
  /** Absent for pixel-only training. */
  discriminator?: Discriminator;
  /** The configured loss. */
  loss: TrainingLoss;
  /** Pixel loss with the same settings, for warm-up steps. */
  warmupLoss: TrainingLoss;
  optimizerG: tf.Optimizer;
  /** Required when `discriminator` is given. */
  optimizerD?: tf.Optimizer;
}

/** Runs one step; `adversarial: false` is a pixel-only (warm-up) step. */
export type TrainStep = (
  batch: BatchTensors,
  options: { adversarial: boolean },
) => StepResult;

type Terms = Record<string, tf.Scalar>;

/** Reads scalars into numbers named `<prefix>_<name>` and frees them. */
function readTerms(
  prefix: string,
  total: tf.Scalar,
  terms: Terms,
  into: Record<string, number>,
): void {
  into[`${prefix}_total`] = total.dataSync()[0];
  for (const [name, value] of Object.entries(terms)) {
    into[`${prefix}_${name}`] = value.dataSync()[0];
  }
  tf.dispose([total, ...Object.values(terms)]);
}

/** Variables of a layers model, in a fixed order. */
function variablesOf(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/**
 * Builds the step function. The discriminator step sees a generator output
 * made outside its gradient closure, so no gradient reaches the generator;
 * the generator step differentiates with respect to the generator's
 * variables only, so the discriminator is not updated by it (its
 * spectral-norm power iteration does not advance there either).
 */
export function createTrainStep(parts: TrainStepParts): TrainStep {
  const { generator, discriminator: disc, loss } = parts;
  if (loss.adversarial && (!disc || !parts.optimizerD)) {
    throw new Error(
      `createTrainStep: loss ${loss.name} needs a discriminator and its ` +
        'optimiser.',
    );
  }
  const genVars = variablesOf(generator);
  const discVars = disc?.trainableVariables() ?? [];

  const judgeWith = (batch: BatchTensors, training: boolean) =>
    (frame: tf.Tensor4D): DiscriminatorOutput => {
      const d = disc as Discriminator;
      const input = discriminatorInput(
        frame, batch.prev, batch.next, d.inputChannels);
      return d.judge(input, training);
    };

  function discriminatorStep(
    batch: BatchTensors,
    losses: Record<string, number>,
  ): void {
    const lossD = loss.discriminatorLoss;
    if (!lossD) {
      return;
    }
    const out = tf.tidy(() => generator.apply(
      [batch.prev, batch.next], { training: true }) as tf.Tensor4D);
    const judge = judgeWith(batch, true);
    let terms: Terms = {};
    const { value, grads } = tf.variableGrads(() => {
      const result = lossD({
        gt: batch.middle,
        out,
        dReal: judge(batch.middle),
        dFake: judge(out),
      });
      terms = result.terms;
      Object.values(terms).forEach((t) => tf.keep(t));
      return result.total;
    }, discVars);
    (parts.optimizerD as tf.Optimizer).applyGradients(grads);
    tf.dispose([out, grads]);
    readTerms('d', value, terms, losses);
  }

  function generatorStep(
    batch: BatchTensors,
    active: TrainingLoss,
    losses: Record<string, number>,
  ): void {
    const judge = judgeWith(batch, false);
    let terms: Terms = {};
    const { value, grads } = tf.variableGrads(() => {
      const out = generator.apply(
        [batch.prev, batch.next], { training: true }) as tf.Tensor4D;
      const result = active.generatorLoss({
        gt: batch.middle,
        out,
        dFake: active.adversarial ? judge(out) : undefined,
        dReal: active.needsRealInGenerator ? judge(batch.middle) : undefined,
      });
      terms = result.terms;
      Object.values(terms).forEach((t) => tf.keep(t));
      return result.total;
    }, genVars);
    parts.optimizerG.applyGradients(grads);
    tf.dispose(grads);
    readTerms('g', value, terms, losses);
  }

  return (batch, options) => {
    const losses: Record<string, number> = {};
    const adversarial = options.adversarial && loss.adversarial;
    if (adversarial) {
      discriminatorStep(batch, losses);
    }
    generatorStep(batch, adversarial ? loss : parts.warmupLoss, losses);
    return { losses };
  };
}
