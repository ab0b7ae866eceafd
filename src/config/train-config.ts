import { z } from 'zod';

import { LOSS_NAMES, PIXEL_LOSS_NAMES } from '../losses/names.ts';
import { loadConfig } from './load-config.ts';

// Each nested object uses `.prefault({})` so that a section left out of the
// file is parsed from `{}` and gets its fields' defaults.

/** Generator size. See the generator module for how levels limit sizes. */
const generatorSchema = z.strictObject({
  /** Channels of the finest level, 4..128. Default 16. */
  width: z.int().min(4).max(128).default(16),
  /** Pyramid levels (coarse to fine motion estimation), 1..6. Default 3. */
  levels: z.int().min(1).max(6).default(3),
});

/** Auto-encoder discriminator size and input. */
const discriminatorSchema = z.strictObject({
  /** First encoder level's channels, doubled per level, 4..256. Default 32. */
  width: z.int().min(4).max(256).default(32),
  /**
   * Encoder levels (stride-2 steps), 1..6. Default 3. Crops fed to the
   * discriminator must be a multiple of 2^depth (see `cropSize`).
   */
  depth: z.int().min(1).max(6).default(3),
  /**
   * 3: the candidate middle frame alone; 9: previous, middle and next
   * stacked (the paper's frame interpolation setting). Default 9.
   */
  inputChannels: z.literal([3, 9]).default(9),
});

/** Loss weights; every weight is >= 0. */
const weightsSchema = z.strictObject({
  /**
   * w_adv: weight of the adversarial term in the generator loss. Default
   * 5e-3: the paper fine-tunes a pre-trained generator, so the pixel loss
   * must stay dominant; 5e-3 lies in the 1e-3..1e-2 range that keeps the
   * adversarial term a small fraction of the pixel loss. All adversarial
   * configs share it so that only the loss differs between them.
   */
  adv: z.number().min(0).max(10).default(5e-3),
  /** w_fake: AAGAN/RAAGAN selection (fake) term. Default 1. */
  fake: z.number().min(0).max(100).default(1),
  /** w_disp: AAGAN/RAAGAN disparity term. Default 1. */
  disp: z.number().min(0).max(100).default(1),
  /** w_sel: RAAGAN `sel_loss` term. Default 1. */
  sel: z.number().min(0).max(100).default(1),
});

/** Which loss trains the generator, and its parameters. */
const lossSchema = z.strictObject({
  /** Loss name, one of `LOSS_NAMES`. Default `aagan`. */
  name: z.enum(LOSS_NAMES).default('aagan'),
  /** Pixel loss: `l1` or `charbonnier`. Default `charbonnier`. */
  pixel: z.enum(PIXEL_LOSS_NAMES).default('charbonnier'),
  /**
   * Charbonnier epsilon on the [0, 1] pixel scale, sqrt(d^2 + eps^2),
   * (0, 0.1]. Default 1e-3.
   */
  charbonnierEps: z.number().gt(0).max(0.1).default(1e-3),
  weights: weightsSchema.prefault({}),
  /**
   * r, the disparity weight: the discriminator learns D(out) = r*|gt - out|
   * per pixel, [0, 100]. Default 1 (errors on the [0, 1] scale).
   */
  disparity: z.number().min(0).max(100).default(1),
  /**
   * RAAGAN: what the selection map subtracts. `rel` (default, as the
   * reference code): the mean of the transformed real term
   * ReLU(1 + D(gt) - mean D(out)); `raw`: the mean of D(gt).
   */
  raaganMean: z.enum(['rel', 'raw']).default('rel'),
});

/** Adam settings for both networks. */
const optimSchema = z
  .strictObject({
    /** Generator learning rate, (0, 1]. Default 1e-4. */
    lrG: z.number().gt(0).max(1).default(1e-4),
    /** Discriminator learning rate, (0, 1]. Give this or `lrRatio`. */
    lrD: z.number().gt(0).max(1).optional(),
    /**
     * Discriminator-to-generator learning-rate ratio, (0, 100]; lrD =
     * lrRatio * lrG. Used when `lrD` is absent; 1 when both are absent.
     */
    lrRatio: z.number().gt(0).max(100).optional(),
    /**
     * Adam beta1, [0, 1). Default 0.9. The adversarial configs use 0.5,
     * the usual GAN setting (DCGAN, LSGAN), so that Adam's momentum does
     * not carry the two players past each other.
     */
    beta1: z.number().min(0).lt(1).default(0.9),
    /** Adam beta2, [0, 1). Default 0.999. */
    beta2: z.number().min(0).lt(1).default(0.999),
  })
  .refine((o) => o.lrD === undefined || o.lrRatio === undefined, {
    message: 'give lrD or lrRatio, not both',
  });

/** Learning-rate schedule, applied to both networks alike. */
const scheduleSchema = z.discriminatedUnion('kind', [
  /** The learning rates never change. */
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({
    kind: z.literal('step'),
    /** Multiply the rates by `gamma` every this many steps, >= 1. */
    every: z.int().min(1),
    /** Factor, (0, 1]. Default 0.5. */
    gamma: z.number().gt(0).max(1).default(0.5),
  }),
  z.strictObject({
    kind: z.literal('plateau'),
    /** Validations without PSNR improvement before a cut, >= 1. Default 3. */
    patience: z.int().min(1).default(3),
    /** Factor applied at each cut, (0, 1). Default 0.5. */
    factor: z.number().gt(0).lt(1).default(0.5),
    /** Smallest PSNR gain (dB) counted as improvement, >= 0. Default 0.01. */
    threshold: z.number().min(0).default(0.01),
    /** Rates never go below this, >= 0. Default 1e-7. */
    minLr: z.number().min(0).default(1e-7),
  }),
]);

/** Data augmentation of training triplets. */
const augmentSchema = z.strictObject({
  /** Random horizontal and vertical flips. Default true. */
  flip: z.boolean().default(true),
  /** Randomly swap previous and next frames. Default true. */
  temporalReverse: z.boolean().default(true),
});

/** Validation on held-out triplets. */
const validationSchema = z.strictObject({
  /** Validate every this many steps, >= 1. Default 100. */
  every: z.int().min(1).default(100),
  /** Held-out triplets, 1..10000. Default 16. */
  samples: z.int().min(1).max(10_000).default(16),
});

/** Checkpointing. */
const checkpointSchema = z.strictObject({
  /** Write a checkpoint every this many steps, >= 1. Default 100. */
  every: z.int().min(1).default(100),
});

/**
 * Schema of a training config file (`configs/<loss>.json`). The shipped
 * configs are the small setting: `pixel` pre-trains the generator (higher
 * rate, step decay); every other config fine-tunes that generator (`--init`)
 * for as many steps with w_adv = 5e-3, lrG = lrD = 1e-4, no warm-up.
 * Objects are strict: an unknown key is an error. Rules linking fields: `cropSize` must
 * be a multiple of 2^`discriminator.depth`; `warmupSteps` <= `steps`.
 */
export const trainConfigSchema = z
  .strictObject({
    generator: generatorSchema.prefault({}),
    discriminator: discriminatorSchema.prefault({}),
    loss: lossSchema.prefault({}),
    optim: optimSchema.prefault({}),
    /** Default `{ kind: 'constant' }`. */
    schedule: scheduleSchema.default({ kind: 'constant' }),
    /** Pixel-loss-only steps before adversarial training, >= 0. Default 0. */
    warmupSteps: z.int().min(0).default(0),
    /** Total training steps (warm-up included), >= 1. Default 1000. */
    steps: z.int().min(1).default(1000),
    /** Triplets per step, 1..256. Default 8. */
    batchSize: z.int().min(1).max(256).default(8),
    /** Side of the square training crops in pixels, 16..1024. Default 64. */
    cropSize: z.int().min(16).max(1024).default(64),
    augment: augmentSchema.prefault({}),
    validation: validationSchema.prefault({}),
    checkpoint: checkpointSchema.prefault({}),
    /** Seed of weights, crops and augmentation, >= 0. Default 0. */
    seed: z.int().min(0).default(0),
  })
  .superRefine((config, ctx) => {
    const multiple = 2 ** config.discriminator.depth;
    if (config.cropSize % multiple !== 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['cropSize'],
        message:
          `must be a multiple of 2^discriminator.depth = ${multiple}`,
      });
    }
    if (config.warmupSteps > config.steps) {
      ctx.addIssue({
        code: 'custom',
        path: ['warmupSteps'],
        message: `must not exceed steps (${config.steps})`,
      });
    }
  });

/** A validated training config, defaults filled in. */
export type TrainConfig = z.output<typeof trainConfigSchema>;
/** The `loss` section of {@link TrainConfig}. */
export type LossConfig = TrainConfig['loss'];
/** The `discriminator` section of {@link TrainConfig}. */
export type DiscriminatorConfig = TrainConfig['discriminator'];
/** The `optim` section of {@link TrainConfig}. */
export type OptimConfig = TrainConfig['optim'];

/** Resolves `lrD` from `lrD` or `lrRatio * lrG` (ratio 1 by default). */
export function resolveLearningRates(optim: OptimConfig): {
  lrG: number;
  lrD: number;
} {
  const lrD = optim.lrD ?? optim.lrG * (optim.lrRatio ?? 1);
  return { lrG: optim.lrG, lrD };
}

/** Loads and validates a training config file; see `loadConfig`. */
export function loadTrainConfig(path: string): TrainConfig {
  return loadConfig(path, trainConfigSchema);
}
