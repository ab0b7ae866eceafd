/**
 * The steps of a training run: alternating discriminator and generator
 * steps on augmented crops, with periodic validation and checkpoints.
 */
import * as tf from '@tensorflow/tfjs';

import type { TrainConfig } from '../config/train-config.ts';
import type { TripletLoader } from '../data/triplet-loader.ts';
import type { LrSchedule } from './lr-schedule.ts';
import { setLearningRate } from './optimizers.ts';
import type { RunFolder } from './run-folder.ts';
import type { RunLog } from './run-log.ts';
import {
  setPointer,
  writeTrainCheckpoint,
  type TrainState,
} from './train-checkpoint.ts';
import type { TrainProgress } from './train-progress.ts';
import { batchTensors, type TrainParts } from './train-setup.ts';
import type { TrainStep } from './train-step.ts';
import type { Validator } from './validate.ts';

/** What {@link runSteps} works with; all of it set up by `train`. */
export interface StepLoop {
  config: TrainConfig;
  parts: TrainParts;
  /** Run folder, for checkpoints and messages. */
  outDir: string;
  folder: RunFolder;
  /** State of the last step done (step 0, or the resumed checkpoint's). */
  state: TrainState;
  /** Checkpoint the state was restored from, if any. */
  resumedFrom?: string;
  /** Learning rates before the schedule scales them. */
  base: { lrG: number; lrD: number };
  schedule: LrSchedule;
  loader: TripletLoader;
  step: TrainStep;
  validator: Validator;
  log: RunLog;
  progress: TrainProgress;
  /** Stored in every checkpoint's `meta`. */
  meta: Record<string, unknown>;
  /** Last step to run (at most `config.steps`). */
  stopAfter: number;
}

/** Where {@link runSteps} ended. */
export interface StepLoopResult {
  state: TrainState;
  /** The last checkpoint written, or the resumed one. */
  latestCheckpoint: string;
  lastLosses: Record<string, number>;
}

/** Runs steps `loop.state.step + 1` to `loop.stopAfter`. */
export async function runSteps(loop: StepLoop): Promise<StepLoopResult> {
  const { config, parts, base, schedule, loader, log, progress } = loop;
  const lastStep = config.steps;
  let { state } = loop;
  let latestCheckpoint = loop.resumedFrom ?? '';
  let lastLosses: Record<string, number> = {};

  const saveCheckpoint = async (best: boolean) => {
    latestCheckpoint = await writeTrainCheckpoint(
      loop.outDir, parts, state, loop.meta);
    await setPointer(loop.outDir, 'latest', state.step);
    if (best) {
      await setPointer(loop.outDir, 'best', state.step);
    }
    loop.folder.keep();
  };

  for (let n = state.step + 1; n <= loop.stopAfter; n++) {
    const started = performance.now();
    // Learning rates for this step.
    const scale = schedule.scaleForStep(n);
    const lrG = base.lrG * scale;
    const lrD = base.lrD * scale;
    setLearningRate(parts.optimizerG, lrG);
    if (parts.optimizerD) {
      setLearningRate(parts.optimizerD, lrD);
    }

    // Data (decoded ahead while the previous step ran).
    const batch = await loader.next();
    const computeStarted = performance.now();
    const tensors = batchTensors(batch, batch.size, batch.cropSize);
    const result = loop.step(tensors, { adversarial: n > config.warmupSteps });
    tf.dispose(tensors);
    const ended = performance.now();
    lastLosses = result.losses;
    // dataWaitMs: what the step waited for its batch, i.e. the data cost
    // the prefetch did not hide. dataLoadMs: wall time from starting to
    // decode the batch to its being ready, overlapping the previous step.
    const rate = batch.size / ((ended - started) / 1000);
    log.write({
      step: n,
      ...result.losses,
      lrG,
      lrD,
      samplesPerSec: rate,
      dataWaitMs: computeStarted - started,
      dataLoadMs: batch.loadMs,
      computeMs: ended - computeStarted,
    });
    progress.update(n, result.losses, rate);
    state = {
      ...state,
      step: n,
      lrG,
      lrD,
      dataPosition: loader.position,
      schedule: schedule.state(),
    };

    // Validation; a new best PSNR gets a checkpoint of its own.
    let newBest = false;
    if (n % config.validation.every === 0 || n === lastStep) {
      const val = await loop.validator.run(parts.generator);
      log.write({ step: n, valPsnr: val.psnr, valSsim: val.ssim });
      schedule.onValidation(val.psnr);
      newBest = state.bestPsnr === null || val.psnr > state.bestPsnr;
      if (newBest) {
        state = {
          ...state, bestPsnr: val.psnr, bestSsim: val.ssim, bestStep: n };
      }
      state = { ...state, schedule: schedule.state() };
    }

    // Checkpoint.
    if (n % config.checkpoint.every === 0 || n === lastStep || newBest) {
      await saveCheckpoint(newBest);
    }

  }
  return { state, latestCheckpoint, lastLosses };
}

