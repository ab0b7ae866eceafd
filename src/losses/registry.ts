import * as tf from '@tensorflow/tfjs';

import type { LossConfig } from '../config/train-config.ts';
import {
  accuracyAwareGeneratorTerm,
  aaganDiscriminatorLoss,
  raaganDiscriminatorLoss,
} from './aagan.ts';
import { checkDiscriminatorOutput, checkImagePair } from './checks.ts';
import {
  hingeLoss,
  lsganLoss,
  ralsganLoss,
  snganLoss,
  unetganLoss,
  type GanLossPair,
  type GanTerms,
} from './conventional.ts';
import { UnknownLossError } from './errors.ts';
import { LOSS_NAMES, type LossName } from './names.ts';
import { createPixelLoss } from './pixel.ts';
import type {
  DiscriminatorLossInputs,
  GeneratorLossInputs,
  LossTerms,
  TrainingLoss,
} from './types.ts';

/** Builds a {@link TrainingLoss} from the config's `loss` section. */
export type LossFactory = (config: LossConfig) => TrainingLoss;

/** Sum of the terms, always a new tensor. */
function sumTerms(terms: GanTerms): tf.Scalar {
  const parts = Object.values(terms);
  const sum = parts.length === 1 ? parts[0].clone() : tf.addN(parts);
  return sum as tf.Scalar;
}

/**
 * L_G = pixel + w_adv * (sum of the adversarial terms `adversarial` gives);
 * `adversarial` undefined means pixel only.
 */
function createGeneratorLoss(
  config: LossConfig,
  name: string,
  needs: { global: boolean; real: boolean },
  adversarial?: (inputs: GeneratorLossInputs) => GanTerms,
): (inputs: GeneratorLossInputs) => LossTerms {
  const pixelLoss = createPixelLoss(config.pixel, config.charbonnierEps);
  const fn = `${name}.generatorLoss`;
  return (inputs) => {
    checkImagePair(fn, inputs.gt, inputs.out);
    if (adversarial) {
      checkDiscriminatorOutput(
        fn,
        'dFake',
        inputs.dFake,
        inputs.gt,
        needs.global,
      );
      if (needs.real) {
        checkDiscriminatorOutput(fn, 'dReal', inputs.dReal, inputs.gt);
      }
    }
    return tf.tidy(() => {
      const pixel = pixelLoss(inputs.gt, inputs.out);
      if (!adversarial) {
        return { total: pixel.clone(), terms: { pixel } };
      }
      const advTerms = adversarial(inputs);
      const adv = sumTerms(advTerms);
      const total = tf.add(pixel, tf.mul(config.weights.adv, adv));
      return {
        total: total as tf.Scalar,
        terms: { pixel, ...advTerms },
      };
    });
  };
}

/** A loss built from one of the conventional GAN pairs. */
function conventional(
  name: LossName,
  pair: GanLossPair,
  needs: { global: boolean; real: boolean },
): LossFactory {
  return (config) => ({
    name,
    adversarial: true,
    needsGlobalHead: needs.global,
    needsRealInGenerator: needs.real,
    generatorLoss: createGeneratorLoss(config, name, needs, (inputs) =>
      pair.generator(
        inputs.dFake as NonNullable<typeof inputs.dFake>,
        inputs.dReal,
      ),
    ),
    discriminatorLoss: (inputs: DiscriminatorLossInputs) => {
      const fn = `${name}.discriminatorLoss`;
      checkImagePair(fn, inputs.gt, inputs.out);
      const { gt, dReal, dFake } = inputs;
      checkDiscriminatorOutput(fn, 'dReal', dReal, gt, needs.global);
      checkDiscriminatorOutput(fn, 'dFake', dFake, gt, needs.global);
      return tf.tidy(() => {
        const terms = pair.discriminator(inputs.dReal, inputs.dFake);
        return { total: sumTerms(terms), terms };
      });
    },
  });
}

const LOCAL = { global: false, real: false };

function accuracyAware(name: 'aagan' | 'raagan'): LossFactory {
  return (config) => ({
    name,
    adversarial: true,
    needsGlobalHead: false,
    needsRealInGenerator: false,
    generatorLoss: createGeneratorLoss(config, name, LOCAL, (inputs) => ({
      adv: accuracyAwareGeneratorTerm(
        (inputs.dFake as NonNullable<typeof inputs.dFake>).probs,
      ),
    })),
    discriminatorLoss: (inputs: DiscriminatorLossInputs) => {
      const options = {
        fake: config.weights.fake,
        disp: config.weights.disp,
        disparity: config.disparity,
      };
      if (name === 'aagan') {
        return aaganDiscriminatorLoss(inputs, options);
      }
      return raaganDiscriminatorLoss(inputs, {
        ...options,
        sel: config.weights.sel,
        mean: config.raaganMean,
      });
    },
  });
}

/** Factories by loss name. */
const LOSS_FACTORIES: Record<LossName, LossFactory> = {
  pixel: (config) => ({
    name: 'pixel',
    adversarial: false,
    needsGlobalHead: false,
    needsRealInGenerator: false,
    generatorLoss: createGeneratorLoss(config, 'pixel', LOCAL),
  }),
  aagan: accuracyAware('aagan'),
  raagan: accuracyAware('raagan'),
  sngan: conventional('sngan', snganLoss, LOCAL),
  lsgan: conventional('lsgan', lsganLoss, LOCAL),
  hinge: conventional('hinge', hingeLoss, LOCAL),
  ralsgan: conventional('ralsgan', ralsganLoss, { global: false, real: true }),
  unetgan: conventional('unetgan', unetganLoss, { global: true, real: false }),
};

/** Levenshtein distance, for suggesting the nearest loss name. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/**
 * The factory registered under `name`.
 * @throws UnknownLossError (`FRUC_UNKNOWN_LOSS`) listing the valid names and
 *   the nearest one when it is at most 3 edits away.
 */
export function getLossFactory(name: string): LossFactory {
  if (Object.hasOwn(LOSS_FACTORIES, name)) {
    return LOSS_FACTORIES[name as LossName];
  }
  const ranked = LOSS_NAMES.map((valid) => ({
    valid,
    distance: editDistance(name.toLowerCase(), valid),
  })).sort((a, b) => a.distance - b.distance);
  const nearest = ranked[0].distance <= 3 ? ranked[0].valid : undefined;
  throw new UnknownLossError(name, LOSS_NAMES, nearest);
}

/**
 * Builds the loss the config names (`config.name`, or `name` when given,
 * e.g. `pixel` for warm-up steps with the same pixel settings).
 */
export function createLoss(config: LossConfig, name?: string): TrainingLoss {
  return getLossFactory(name ?? config.name)(config);
}
