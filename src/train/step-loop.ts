/**
 * The steps of a training run: alternating discriminator and generator
 * steps on augmented crops, with periodic validation and checkpoints, and
 * a clean stop at a step boundary when a signal asks for one.
 */
import * as tf from '@tensorflow/tfjs';
import { setImmediate as nextTurn } from 'node:timers/promises';

import type { TrainConfig } from '../config/train-config.ts';
import type { TripletLoader } from '../data/triplet-loader.ts';
import { interruptExitCode, type StopRequest } from '../util/interrupt.ts';
import { TrainInterruptedError } from './errors.ts';
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
  /** Polled between steps; see `deferInterrupts`. */
  stop?: StopRequest;
}

/** Where {@link runSteps} ended. */
export interface StepLoopResult {
  state: TrainState;
  /** The last checkpoint written, or the resumed one. */
  latestCheckpoint: string;
  lastLosses: Record<string, number>;
}

/**
 * Runs steps `loop.state.step + 1` to `loop.stopAfter`.
 * @throws TrainInterruptedError when `loop.stop` reports a signal before
 *   the last step is done: after the step that was running, whose
 *   checkpoint is then written first.
 */
export async function runSteps(loop: StepLoop): Promise<StepLoopResult> {
  const { config, parts, base, schedule, loader, log, progress } = loop;
  const lastStep = config.steps;
  let { state } = loop;
  let latestCheckpoint = loop.resumedFrom ?? '';
  let savedStep = state.step;
  let lastLosses: Record<string, number> = {};

  const saveCheckpoint = async (best: boolean) => {
    latestCheckpoint = await writeTrainCheckpoint(
      loop.outDir, parts, state, loop.meta);
    await setPointer(loop.outDir, 'latest', state.step);
    if (best) {
      await setPointer(loop.outDir, 'best', state.step);
    }
    savedStep = state.step;
    loop.folder.keep();
  };

  // Signal handlers run only when the event loop turns, which a step's
  // synchronous compute and already-resolved awaits never let it do.
  const stopIfAsked = async () => {
    await nextTurn();
    const signal = loop.stop?.signal;
    if (signal === undefined) {
      return;
    }
    if (state.step > savedStep) {
      await saveCheckpoint(false);
    }
    throw new TrainInterruptedError(
      signal, interruptExitCode(signal), stopMessage(loop, state.step,
        state.step > 0 ? latestCheckpoint : undefined));
  };

  for (let n = state.step + 1; n <= loop.stopAfter; n++) {
    // Stop here if a signal came during setup or the last step (after its
    // validation, so a resumed run goes on as an uninterrupted one would).
    await stopIfAsked();
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

/** Where an interrupted run stopped and how to go on. */
function stopMessage(
  loop: StepLoop,
  step: number,
  checkpoint: string | undefined,
): string {
  const resume = `continue with: fruc train --out ${loop.outDir} --resume`;
  if (checkpoint === undefined) {
    return loop.folder.removable
      ? `stopped before the first step; nothing was saved and ` +
        `${loop.outDir} was removed.`
      : `stopped before the first step; nothing was saved; ${resume}`;
  }
  const saved = step === loop.state.step
    ? `no step was run, ${checkpoint} is unchanged`
    : `saved checkpoint ${checkpoint}`;
  return `stopped after step ${step} of ${loop.config.steps}; ${saved}; ` +
    resume;
}
