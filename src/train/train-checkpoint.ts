/**
 * Training checkpoints: `<out>/checkpoints/step-<n>/` holds the generator
 * (readable by `fruc upconvert`/`fruc eval` as any checkpoint), the
 * discriminator, both optimisers' state and `train-state.json`; the
 * symbolic links `latest` and `best` point at step folders and are
 * replaced atomically (a new link renamed over the old one).
 */
import type * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync } from 'node:fs';
import { readFile, readlink, rename, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';

import { FrucError } from '../errors.ts';
import {
  GENERATOR_DIR,
  loadWeightsInto,
  saveCheckpoint,
  saveLayersModel,
} from '../models/checkpoint.ts';
import type { Discriminator } from '../models/discriminator.ts';
import type { GeneratorConfig } from '../models/generator.ts';
import { tempPathFor } from '../util/atomic.ts';
import { CheckpointDamagedError, ResumeError } from './errors.ts';
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

/** Steps of the `step-<n>` folders in run folder `runDir`, ascending. */
export function listCheckpointSteps(runDir: string): number[] {
  const dir = join(runDir, CHECKPOINTS_DIR);
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir)
    .map((name) => /^step-(\d+)$/.exec(name)?.[1])
    .filter((step): step is string => step !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * The error for a damaged training checkpoint `dir`
 * (`<run>/checkpoints/step-<n>`), naming the newest earlier checkpoint of
 * its run and how to resume from it.
 * @param what The file and what is wrong with it.
 */
export function checkpointDamaged(
  dir: string,
  what: string,
): CheckpointDamagedError {
  const runDir = dirname(dirname(dir));
  const step = Number(/^step-(\d+)$/.exec(basename(dir))?.[1] ?? Infinity);
  const earlier = listCheckpointSteps(runDir).filter((s) => s < step).at(-1);
  const latest = join(runDir, CHECKPOINTS_DIR, 'latest');
  const hint = earlier === undefined
    ? 'this run has no earlier one'
    : `step-${earlier} is the newest: ln -sfn step-${earlier} ${latest}`;
  return new CheckpointDamagedError(dir, what, hint);
}

/**
 * `err`, raised while reading checkpoint `dir`, as
 * {@link checkpointDamaged}. The checkpoint module's errors name their
 * file already; their advice (after the last `; `) gives way to the
 * resume advice. Other errors get `label` in front when given.
 */
export function asCheckpointDamaged(
  dir: string,
  err: unknown,
  label?: string,
): CheckpointDamagedError {
  const message = (err as Error).message.replace(/\s+/g, ' ').trim();
  if (!(err instanceof FrucError)) {
    return checkpointDamaged(
      dir, label === undefined ? message : `${label}: ${message}`);
  }
  const advice = message.lastIndexOf('; ');
  return checkpointDamaged(
    dir, advice > 0 ? message.slice(0, advice) : message);
}

/** Runs `load`, turning any failure into {@link asCheckpointDamaged}. */
async function loadPart<T>(
  dir: string,
  label: string | undefined,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw asCheckpointDamaged(dir, err, label);
  }
}

/**
 * Loads weights and optimiser state of checkpoint `dir` into `objects`
 * and returns its loop state.
 * @throws ResumeError when the folder lacks training state.
 * @throws CheckpointDamagedError when a file of it cannot be read, does
 *   not parse or does not fit the networks.
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
  const state = await loadPart(dir, undefined, async () => {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(statePath, 'utf8'));
    } catch (err) {
      throw new Error(
        `${STATE_FILE} is not valid JSON (${(err as Error).message})`);
    }
    const parsed = trainStateSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(
        `${STATE_FILE}: ${issue.path.join('.') || 'file'}: ${issue.message}`);
    }
    return parsed.data;
  });
  await loadPart(dir, GENERATOR_DIR, () =>
    loadWeightsInto(dir, GENERATOR_DIR, objects.generator));
  await loadPart(dir, undefined, () =>
    loadOptimizerState(objects.optimizerG, dir, OPTIMIZER_G));
  const { discriminator, optimizerD } = objects;
  if (discriminator && optimizerD) {
    await loadPart(dir, DISCRIMINATOR_DIR, () =>
      loadWeightsInto(dir, DISCRIMINATOR_DIR, discriminator.model));
    await loadPart(dir, undefined, () =>
      loadOptimizerState(optimizerD, dir, OPTIMIZER_D));
  }
  return state;
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
