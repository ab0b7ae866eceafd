/**
 * Builds what a training run needs: the networks, optimisers and loss,
 * the data split and the generator of `--init` (the run folder is
 * `run-folder.ts`'s).
 */
import * as tf from '@tensorflow/tfjs';

import { resolveLearningRates, type TrainConfig } from '../config/train-config.ts';
import { splitTriplets } from '../data/triplet-loader.ts';
import { findTriplets, type TripletRef } from '../data/triplet-layouts.ts';
import { createLoss } from '../losses/registry.ts';
import type { TrainingLoss } from '../losses/types.ts';
import { loadWeightsInto, readCheckpointInfo } from '../models/checkpoint.ts';
import { createDiscriminator } from '../models/discriminator.ts';
import { disposeLayersModel } from '../models/dispose.ts';
import {
  createGenerator,
  sizeMultiple,
  type GeneratorConfig,
} from '../models/generator.ts';
import { InitCheckpointError, TrainConfigError } from './errors.ts';
import { seedGlorotKernels } from './init-weights.ts';
import { createAdam } from './optimizers.ts';
import type { TrainObjects } from './train-checkpoint.ts';

/**
 * Checks the config against the generator's size rules.
 * @throws TrainConfigError when `cropSize` is not a multiple of
 *   2^generator.levels.
 */
export function checkTrainConfig(config: TrainConfig): GeneratorConfig {
  const generatorConfig = {
    width: config.generator.width,
    levels: config.generator.levels,
  };
  const multiple = sizeMultiple(generatorConfig);
  if (config.cropSize % multiple !== 0) {
    throw new TrainConfigError(
      `cropSize ${config.cropSize} is not a multiple of ` +
        `2^generator.levels = ${multiple}; change cropSize in the config.`,
    );
  }
  return generatorConfig;
}

/** Networks, optimisers and losses of a run. */
export interface TrainParts extends TrainObjects {
  loss: TrainingLoss;
  warmupLoss: TrainingLoss;
  /** Frees models and optimisers. */
  dispose(): void;
}

/** Builds the networks, seeded by `config.seed`, and both optimisers. */
export function createTrainParts(
  config: TrainConfig,
  generatorConfig: GeneratorConfig,
): TrainParts {
  const loss = createLoss(config.loss);
  const warmupLoss = createLoss(config.loss, 'pixel');
  const generator = createGenerator(generatorConfig);
  seedGlorotKernels(generator, config.seed);
  const discriminator = loss.adversarial
    ? createDiscriminator({
        ...config.discriminator,
        globalHead: loss.needsGlobalHead,
        seed: config.seed,
      })
    : undefined;
  const { lrG, lrD } = resolveLearningRates(config.optim);
  const { beta1, beta2 } = config.optim;
  const optimizerG = createAdam({ learningRate: lrG, beta1, beta2 });
  const optimizerD = discriminator
    ? createAdam({ learningRate: lrD, beta1, beta2 })
    : undefined;
  return {
    generator,
    generatorConfig,
    discriminator,
    optimizerG,
    optimizerD,
    loss,
    warmupLoss,
    dispose() {
      disposeLayersModel(generator);
      discriminator?.dispose();
      optimizerG.dispose();
      optimizerD?.dispose();
    },
  };
}

/**
 * Checks that checkpoint `dir` holds a generator of `config`'s size.
 * @throws InitCheckpointError when its generator config differs; the
 *   checkpoint module's errors when it is not a checkpoint.
 */
export async function checkInitCheckpoint(
  dir: string,
  config: GeneratorConfig,
): Promise<void> {
  const stored = (await readCheckpointInfo(dir)).generator;
  if (stored.width !== config.width || stored.levels !== config.levels) {
    throw new InitCheckpointError(
      dir,
      `its generator is width ${stored.width}, levels ${stored.levels}; ` +
        `the config asks for width ${config.width}, levels ${config.levels}`,
    );
  }
}

/**
 * Loads the generator weights of checkpoint `dir` (`--init`) into
 * `generator`; see {@link checkInitCheckpoint} for what is refused.
 */
export async function loadInitGenerator(
  dir: string,
  generator: tf.LayersModel,
  config: GeneratorConfig,
): Promise<void> {
  await checkInitCheckpoint(dir, config);
  await loadWeightsInto(dir, 'generator', generator);
}

/** Training and validation triplets of `dataRoot`. */
export async function loadTripletSplit(
  dataRoot: string,
  validationSamples: number,
): Promise<{ train: TripletRef[]; validation: TripletRef[] }> {
  const triplets = await findTriplets(dataRoot);
  return splitTriplets(triplets, validationSamples, dataRoot);
}

/** Puts a batch of NHWC float arrays on the active backend. */
export function batchTensors(
  batch: { prev: Float32Array; middle: Float32Array; next: Float32Array },
  size: number,
  cropSize: number,
): { prev: tf.Tensor4D; middle: tf.Tensor4D; next: tf.Tensor4D } {
  const shape: [number, number, number, number] = [size, cropSize, cropSize, 3];
  return {
    prev: tf.tensor4d(batch.prev, shape),
    middle: tf.tensor4d(batch.middle, shape),
    next: tf.tensor4d(batch.next, shape),
  };
}
