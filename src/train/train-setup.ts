/**
 * Builds what a training run needs: the run folder (new, replaced or
 * resumed), the networks, optimisers and loss, and the data split.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';

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
import {
  checkDestination,
  markOutputFolder,
  writeFileAtomically,
} from '../util/atomic.ts';
import {
  InitCheckpointError,
  NoRunFolderError,
  ResumeError,
  TrainConfigError,
} from './errors.ts';
import { seedGlorotKernels } from './init-weights.ts';
import { createAdam } from './optimizers.ts';
import { resolvePointer, type TrainObjects } from './train-checkpoint.ts';

/** Name of the resolved config copied into the run folder. */
export const RUN_CONFIG_FILE = 'config.json';

/** How the run folder is to be used. */
export interface RunFolderOptions {
  outDir: string;
  /** Continue from `<out>/checkpoints/latest`. */
  resume: boolean;
  /** Delete an existing run folder and start again. */
  overwrite: boolean;
  /** Training data; it may not lie inside the run folder. */
  dataRoot: string;
}

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

/**
 * Finds the checkpoint `--resume` continues in run folder `outDir`.
 * @returns `<outDir>/checkpoints/latest`, resolved to its step folder.
 * @throws NoRunFolderError when `outDir` does not exist.
 * @throws ResumeError when it holds no `checkpoints/latest`.
 */
export async function findResumeCheckpoint(outDir: string): Promise<string> {
  if (!existsSync(outDir)) {
    throw new NoRunFolderError(outDir);
  }
  const checkpoint = await resolvePointer(outDir, 'latest');
  if (!checkpoint) {
    throw new ResumeError(`${outDir} holds no checkpoints/latest`);
  }
  return checkpoint;
}

/**
 * The data folder a run trained on, as training checkpoint `checkpoint`
 * records it (`meta.data` of its `checkpoint.json`, written with every
 * training checkpoint); undefined when it records none.
 * Limitation: runs started before `fruc train` made the path absolute may
 * record a relative one; it is taken relative to the working folder.
 */
export async function readRunData(
  checkpoint: string,
): Promise<string | undefined> {
  const recorded = (await readCheckpointInfo(checkpoint)).meta.data;
  if (typeof recorded !== 'string' || recorded === '') {
    return undefined;
  }
  return resolve(recorded);
}

/**
 * Prepares the run folder. A new run refuses an existing folder unless
 * `overwrite`; a resumed one needs `checkpoints/latest`.
 * @returns The checkpoint to resume from, if resuming.
 * @throws NoRunFolderError, ResumeError as {@link findResumeCheckpoint}.
 */
export async function prepareRunFolder(
  options: RunFolderOptions,
): Promise<string | undefined> {
  const { outDir, resume, overwrite } = options;
  const out = resolve(outDir);
  const data = resolve(options.dataRoot);
  if (data === out || data.startsWith(`${out}${sep}`)) {
    throw new TrainConfigError(
      `train: the data ${options.dataRoot} lies inside the run folder ` +
        `${outDir}; choose an --out outside the data.`,
    );
  }
  if (resume) {
    return findResumeCheckpoint(outDir);
  }
  if (existsSync(outDir)) {
    checkDestination(outDir, overwrite, 'folder');
    await rm(outDir, { recursive: true, force: true });
  }
  await mkdir(outDir, { recursive: true });
  await markOutputFolder(outDir);
  return undefined;
}

/** Writes the resolved config into the run folder. */
export async function writeRunConfig(
  outDir: string,
  config: TrainConfig,
): Promise<void> {
  await writeFileAtomically(
    join(outDir, RUN_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** Reads the config a run folder was started with (unvalidated JSON). */
export async function readRunConfig(outDir: string): Promise<unknown> {
  return JSON.parse(await readFile(join(outDir, RUN_CONFIG_FILE), 'utf8'));
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
