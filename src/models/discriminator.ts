import * as tf from '@tensorflow/tfjs';

import { FrucError } from '../errors.ts';
import type { DiscriminatorOutput } from '../losses/types.ts';
import { SpectralConv2D } from './layers/spectral-norm.ts';

/**
 * The discriminator got an input it cannot judge (wrong channels, or a
 * size that is not a multiple of 2^depth).
 * Limitation: belongs in `src/models/errors.ts`, which another change was
 * editing when this was written; move it there when both have landed.
 */
export class DiscriminatorInputError extends FrucError {
  constructor(message: string) {
    super('FRUC_DISCRIMINATOR_INPUT', message, 2);
    this.name = 'DiscriminatorInputError';
  }
}

/** Options of {@link createDiscriminator}. */
export interface DiscriminatorOptions {
  /** Channels of the first level, doubled per level up to 8x, >= 1. */
  width: number;
  /** Encoder levels (stride-2 steps), >= 1. */
  depth: number;
  /** 3: the middle frame alone; 9: previous, middle, next stacked. */
  inputChannels: 3 | 9;
  /** Add the per-image logit from the bottleneck (U-Net GAN). Default false. */
  globalHead?: boolean;
  /** Seed of the weight initialisers; same seed, same weights. Default 0. */
  seed?: number;
  /** Power iterations per training call in each layer. Default 1. */
  powerIterations?: number;
}

/** An auto-encoder discriminator and how to call it. */
export interface Discriminator {
  /** The layers model; outputs `[probs, logits]` (+ `globalLogit`). */
  readonly model: tf.LayersModel;
  readonly inputChannels: 3 | 9;
  readonly depth: number;
  readonly hasGlobalHead: boolean;
  /**
   * Judges a batch. `training: true` advances the spectral-norm power
   * iteration (use it in training steps, not in validation).
   * @param input `[batch, height, width, inputChannels]`, values in [0, 1];
   *   height and width multiples of 2^depth.
   */
  judge(input: tf.Tensor4D, training?: boolean): DiscriminatorOutput;
  /** Trainable variables (kernels and biases; not the `u` vectors). */
  trainableVariables(): tf.Variable[];
  /** Frees the model's weights. */
  dispose(): void;
}

function leaky(x: tf.SymbolicTensor): tf.SymbolicTensor {
  return tf.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tf.SymbolicTensor;
}

/**
 * Builds the auto-encoder discriminator: an encoder of `depth` stride-2
 * spectral-norm convolutions, a decoder that upsamples back with skip
 * connections from the encoder, and a per-pixel head: a logit map and its
 * sigmoid, both `[batch, height, width, 1]`. With `globalHead`, a third
 * output `[batch, 1]`: a 1x1 spectral-norm convolution on the bottleneck,
 * averaged over its pixels. Every convolution is a {@link SpectralConv2D}.
 */
export function createDiscriminator(
  options: DiscriminatorOptions,
): Discriminator {
  const { width, depth, inputChannels } = options;
  const seed = options.seed ?? 0;
  const powerIterations = options.powerIterations ?? 1;
  let layerIndex = 0;
  const conv = (name: string, filters: number, kernel: number, strides = 1) =>
    new SpectralConv2D({
      name: `disc_${name}`,
      filters,
      kernelSize: kernel,
      strides,
      powerIterations,
      seed: seed * 1000 + layerIndex++,
    });
  const channelsAt = (level: number) => width * 2 ** Math.min(level, 3);

  const input = tf.input({ shape: [null, null, inputChannels] });
  const skips: tf.SymbolicTensor[] = [];
  const stem = conv('enc0', channelsAt(0), 3);
  let x = leaky(stem.apply(input) as tf.SymbolicTensor);
  for (let level = 1; level <= depth; level++) {
    skips.push(x);
    const down = conv(`enc${level}`, channelsAt(level), 4, 2);
    x = leaky(down.apply(x) as tf.SymbolicTensor);
  }
  const bottleneck = x;
  for (let level = depth - 1; level >= 0; level--) {
    const up = tf.layers.upSampling2d({ size: [2, 2] }).apply(x);
    const merged = tf.layers
      .concatenate()
      .apply([up as tf.SymbolicTensor, skips[level]]);
    const fuse = conv(`dec${level}`, channelsAt(level), 3);
    x = leaky(fuse.apply(merged) as tf.SymbolicTensor);
  }
  const logits = conv('logits', 1, 3).apply(x) as tf.SymbolicTensor;
  const probs = tf.layers
    .activation({ activation: 'sigmoid', name: 'disc_probs' })
    .apply(logits) as tf.SymbolicTensor;
  const outputs = [probs, logits];
  if (options.globalHead) {
    const map = conv('global', 1, 1).apply(bottleneck) as tf.SymbolicTensor;
    const pooled = tf.layers
      .globalAveragePooling2d({ name: 'disc_global_logit' })
      .apply(map) as tf.SymbolicTensor;
    outputs.push(pooled);
  }

  const model = tf.model({ inputs: input, outputs, name: 'discriminator' });
  return wrapDiscriminator(model, depth);
}

/**
 * Wraps a discriminator model, built here or loaded from a checkpoint.
 * @param depth The encoder depth it was built with.
 */
export function wrapDiscriminator(
  model: tf.LayersModel,
  depth: number,
): Discriminator {
  const inputChannels = model.inputs[0].shape[3] as 3 | 9;
  const hasGlobalHead = model.outputs.length === 3;
  const multiple = 2 ** depth;

  return {
    model,
    inputChannels,
    depth,
    hasGlobalHead,
    judge(input, training = false) {
      const [, height, width, channels] = input.shape;
      if (input.rank !== 4 || channels !== inputChannels) {
        throw new DiscriminatorInputError(
          `discriminator: input must be [batch, height, width, ` +
            `${inputChannels}], but got [${input.shape.join(', ')}]; ` +
            'check discriminator.inputChannels in the config.',
        );
      }
      if (height % multiple !== 0 || width % multiple !== 0) {
        throw new DiscriminatorInputError(
          `discriminator: ${width}x${height} is not a multiple of ` +
            `${multiple} (2^depth); use crops that are.`,
        );
      }
      const outputs = model.apply(input, { training }) as tf.Tensor[];
      return {
        probs: outputs[0] as tf.Tensor4D,
        logits: outputs[1] as tf.Tensor4D,
        globalLogit: outputs[2] as tf.Tensor2D | undefined,
      };
    },
    trainableVariables() {
      return model.trainableWeights.map((w) => w.read() as tf.Variable);
    },
    dispose() {
      model.dispose();
    },
  };
}

/**
 * Builds the discriminator's input from a candidate middle frame.
 * @param middle `[batch, height, width, 3]`: the true or generated frame.
 * @param prev Previous frame, same shape; used when `channels` is 9.
 * @param next Next frame, same shape; used when `channels` is 9.
 * @returns `middle` itself for 3 channels, else `[prev, middle, next]`
 *   stacked on the last axis (a new tensor).
 */
export function discriminatorInput(
  middle: tf.Tensor4D,
  prev: tf.Tensor4D,
  next: tf.Tensor4D,
  channels: 3 | 9,
): tf.Tensor4D {
  if (channels === 3) {
    return middle;
  }
  return tf.concat([prev, middle, next], 3);
}
