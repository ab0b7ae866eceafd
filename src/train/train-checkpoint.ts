/**
 * Training checkpoints: `<out>/checkpoints/step-<n>/` holds the generator
 * (readable by `fruc upconvert`/`fruc eval` as any checkpoint), the
 * discriminator, both optimisers' state and `train-state.json`; the
 * symbolic links `latest` and `best` point at step folders and are
 * replaced atomically (a new link renamed over the old one).
 */
import type * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { readFile, readlink, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

import {
  loadWeightsInto,
  saveCheckpoint,
  saveLayersModel,
} from '../models/checkpoint.ts';
import type { Discriminator } from '../models/discriminator.ts';
import type { GeneratorConfig } from '../models/generator.ts';
import { tempPathFor } from '../util/atomic.ts';
import { ResumeError } from './errors.ts';
import { loadOptimizerState, saveOptimizerState } from './optimizers.ts';

/** Folder of the checkpoints inside a run folder. */
export const CHECKPOINTS_DIR = 'checkpoints';
const STATE_FILE = 'train-state.json';
const DISCRIMINATOR_DIR = 'discriminator';
const OPTIMIZER_G = 'optimizer-g';
const OPTIMIZER_D = 'optimizer-d';

const trainStateSchema = z.object({
  /** Steps completed. */
  step: z.int().min(0),
  /** Learning rates of the last step (the schedule recomputes them). */
  lrG: z.number().positive(),
  lrD: z.number().positive(),
  schedule: z.object({
    scale: z.number().positive(),
    bestPsnr: z.number().nullable(),
    badValidations: z.int().min(0),
  }),
  /** Index of the next batch the data loader draws. */
  dataPosition: z.int().min(0),
  /** Best validation PSNR so far and the step it was measured at. */
  bestPsnr: z.number().nullable(),
  bestSsim: z.number().nullable(),
  bestStep: z.int().min(0).nullable(),
});

/** Loop state stored next to the weights (`train-state.json`). */
export type TrainState = z.infer<typeof trainStateSchema>;

/** The live objects a checkpoint saves or restores. */
export interface TrainObjects {
  generator: tf.LayersModel;
  generatorConfig: GeneratorConfig;
  discriminator?: Discriminator;
  optimizerG: tf.AdamOptimizer;
  optimizerD?: tf.AdamOptimizer;
}

/** Path of the step folder for `step` in run folder `runDir`. */
export function stepCheckpointPath(runDir: string, step: number): string {
  return join(runDir, CHECKPOINTS_DIR, `step-${step}`);
}

/**
 * Writes `<runDir>/checkpoints/step-<state.step>` atomically (replacing
 * one left by an earlier, interrupted run) and returns its path.
 */
export async function writeTrainCheckpoint(
  runDir: string,
  objects: TrainObjects,
  state: TrainState,
  meta: Record<string, unknown>,
): Promise<string> {
  const dir = stepCheckpointPath(runDir, state.step);
  await saveCheckpoint(
    dir,
    {
      generator: objects.generator,
      config: objects.generatorConfig,
      step: state.step,
      meta,
    },
    {
      overwrite: true,
      writeExtra: async (temp) => {
        if (objects.discriminator) {
          await saveLayersModel(
            temp, DISCRIMINATOR_DIR, objects.discriminator.model);
        }
        await saveOptimizerState(objects.optimizerG, temp, OPTIMIZER_G);
        if (objects.optimizerD) {
          await saveOptimizerState(objects.optimizerD, temp, OPTIMIZER_D);
        }
        await writeFile(
          join(temp, STATE_FILE), JSON.stringify(state, null, 2));
      },
    },
  );
  return dir;
}

/**
 * Loads weights and optimiser state of checkpoint `dir` into `objects`
 * and returns its loop state.
 * @throws ResumeError when the folder lacks training state.
 */
export async function readTrainCheckpoint(
  dir: string,
  objects: TrainObjects,
): Promise<TrainState> {
  const statePath = join(dir, STATE_FILE);
  if (!existsSync(statePath)) {
    throw new ResumeError(
      `${dir} has no ${STATE_FILE}; it was not written by fruc train`);
  }
  const parsed = trainStateSchema.safeParse(
    JSON.parse(await readFile(statePath, 'utf8')));
  if (!parsed.success) {
    throw new ResumeError(`${statePath} is damaged`);
  }
  await loadWeightsInto(dir, 'generator', objects.generator);
  await loadOptimizerState(objects.optimizerG, dir, OPTIMIZER_G);
  if (objects.discriminator && objects.optimizerD) {
    await loadWeightsInto(
      dir, DISCRIMINATOR_DIR, objects.discriminator.model);
    await loadOptimizerState(objects.optimizerD, dir, OPTIMIZER_D);
  }
  return parsed.data;
}

/** Names of the pointers kept in the checkpoints folder. */
export type PointerName = 'latest' | 'best';

/** Points `<runDir>/checkpoints/<name>` at `step-<step>`, atomically. */
export async function setPointer(
  runDir: string,
  name: PointerName,
  step: number,
): Promise<void> {
  const link = join(runDir, CHECKPOINTS_DIR, name);
  const temp = tempPathFor(link);
  await symlink(`step-${step}`, temp);
  await rename(temp, link);
}

/** The step folder `name` points at, or undefined when there is none. */
export async function resolvePointer(
  runDir: string,
  name: PointerName,
): Promise<string | undefined> {
  const link = join(runDir, CHECKPOINTS_DIR, name);
  if (!existsSync(link)) {
    return undefined;
  }
  return join(runDir, CHECKPOINTS_DIR, await readlink(link));
}
