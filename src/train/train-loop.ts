/**
 * A training run: checks, run folder, models and data set up for the
 * steps of `step-loop.ts`, resumable from any checkpoint with identical
 * results. A new run that fails or is stopped before its first checkpoint
 * leaves no run folder behind.
 */
import { join } from 'node:path';

import { resolveLearningRates, type TrainConfig } from '../config/train-config.ts';
import { createTripletLoader } from '../data/triplet-loader.ts';
import type { StopRequest } from '../util/interrupt.ts';
import { getLogger } from '../util/logger.ts';
import { checkTripletFrames } from './check-frames.ts';
import { createLrSchedule, initialScheduleState } from './lr-schedule.ts';
import { createRunStep } from './parallel-step.ts';
import {
  checkRunFolder,
  openRunFolder,
  writeRunConfig,
  type RunFolder,
} from './run-folder.ts';
import { openRunLog } from './run-log.ts';
import { runSteps } from './step-loop.ts';
import {
  readTrainCheckpoint,
  stepCheckpointPath,
  type TrainState,
} from './train-checkpoint.ts';
import {
  createTrainProgress,
  type TrainProgress,
} from './train-progress.ts';
import {
  checkInitCheckpoint,
  checkTrainConfig,
  createTrainParts,
  loadInitGenerator,
  loadTripletSplit,
} from './train-setup.ts';
import { createValidator } from './validate.ts';

/** The best validation of a run and where its checkpoint is. */
export interface BestValidation {
  /** Mean PSNR (dB) and SSIM on the validation triplets. */
  psnr: number;
  ssim: number;
  step: number;
  /** Checkpoint folder of that step. */
  checkpoint: string;
}

function bestOf(outDir: string, state: TrainState): BestValidation | undefined {
  if (state.bestPsnr === null || state.bestStep === null) {
    return undefined;
  }
  return {
    psnr: state.bestPsnr,
    ssim: state.bestSsim ?? Number.NaN,
    step: state.bestStep,
    checkpoint: stepCheckpointPath(outDir, state.bestStep),
  };
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Validated config (flags already applied). */
  config: TrainConfig;
  /** Any folder `findTriplets` reads. */
  dataRoot: string;
  /** Run folder: config.json, log.jsonl, checkpoints/. */
  outDir: string;
  /** Continue from `<outDir>/checkpoints/latest`. Default false. */
  resume?: boolean;
  /**
   * Replace an existing run folder (fruc's own), once the data, config
   * and `initCheckpoint` have passed their checks. Default false.
   */
  overwrite?: boolean;
  /** Generator checkpoint to start from (ignored when resuming). */
  initCheckpoint?: string;
  /** Name of the active backend, recorded in checkpoints. */
  backend: string;
  /** Draw the progress bar even off a terminal. Default false. */
  forceProgress?: boolean;
  /**
   * Stop right after this step as if the process were killed there: no
   * validation or checkpoint of its own (tests of `--resume`). Default:
   * run to `config.steps`.
   */
  stopAfterStep?: number;
  /**
   * Gradient threads: 2 computes half of each batch in a worker thread
   * (wasm only; see `parallel-step.ts`), 1 turns that off. Default: 2 on
   * wasm with more than one core, else 1.
   */
  threads?: number;
  /**
   * Polled between steps: once it reports a signal, the run writes a
   * checkpoint of the step it finished and throws TrainInterruptedError
   * (see `deferInterrupts`). Default: never stops.
   */
  stop?: StopRequest;
}

/** What a finished run reports. */
export interface TrainResult {
  /** Steps completed. */
  step: number;
  /** Best validation figures, or undefined when none ran. */
  best?: BestValidation;
  /** The last checkpoint written. */
  latestCheckpoint: string;
  /** Loss terms of the last step. */
  lastLosses: Record<string, number>;
}

/**
 * Trains the generator as `options.config` says; see the module docs.
 * @throws TrainInterruptedError when `options.stop` asks it to stop.
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const { config, outDir } = options;
  const logger = getLogger();
  const resume = options.resume ?? false;
  const generatorConfig = checkTrainConfig(config);
  // Everything that can be checked is checked before the run folder is
  // touched, so a refused run leaves nothing behind.
  const split = await loadTripletSplit(
    options.dataRoot, config.validation.samples);
  await checkTripletFrames(split.train, config.cropSize);
  const initCheckpoint = resume ? undefined : options.initCheckpoint;
  if (initCheckpoint) {
    await checkInitCheckpoint(initCheckpoint, generatorConfig);
  }
  const folderOptions = {
    outDir,
    resume,
    overwrite: options.overwrite ?? false,
    dataRoot: options.dataRoot,
  };
  const resumeFrom = await checkRunFolder(folderOptions);
  logger.info(
    `data: ${split.train.length} training and ` +
      `${split.validation.length} validation triplets`);

  logger.info('building models');
  const parts = createTrainParts(config, generatorConfig);
  let folder: RunFolder | undefined;
  let progress: TrainProgress | undefined;
  let runStep: Awaited<ReturnType<typeof createRunStep>> | undefined;
  let failed = true;
  try {
    // Weights and frames are read before the run folder is made.
    const base = resolveLearningRates(config.optim);
    let state: TrainState = {
      step: 0,
      lrG: base.lrG,
      lrD: base.lrD,
      schedule: initialScheduleState(),
      dataPosition: 0,
      bestPsnr: null,
      bestSsim: null,
      bestStep: null,
    };
    if (resumeFrom) {
      logger.info(`restoring checkpoint ${resumeFrom}`);
      state = await readTrainCheckpoint(resumeFrom, parts);
    } else if (initCheckpoint) {
      logger.info(`restoring generator from ${initCheckpoint}`);
      await loadInitGenerator(
        initCheckpoint, parts.generator, generatorConfig);
    }
    const validator = createValidator(split.validation, generatorConfig);
    await validator.load();

    folder = await openRunFolder(folderOptions);
    if (!resumeFrom) {
      await writeRunConfig(outDir, config);
    }
    const log = await openRunLog(
      join(outDir, 'log.jsonl'), resumeFrom ? state.step : undefined);
    const minLr =
      config.schedule.kind === 'plateau' ? config.schedule.minLr : 0;
    const schedule = createLrSchedule(
      config.schedule, state.schedule, minLr / Math.max(base.lrG, base.lrD));
    runStep = await createRunStep(
      parts, config, options.backend, options.threads);
    logger.info(`training with ${runStep.threads} gradient thread(s)`);
    const loader = createTripletLoader({
      triplets: split.train,
      batchSize: config.batchSize,
      cropSize: config.cropSize,
      ...config.augment,
      seed: config.seed,
      startBatch: state.dataPosition,
    });
    progress = createTrainProgress(
      state.step, config.steps, { force: options.forceProgress });
    const done = await runSteps({
      config,
      parts,
      outDir,
      folder,
      state,
      resumedFrom: resumeFrom,
      base,
      schedule,
      loader,
      step: runStep.step,
      validator,
      log,
      progress,
      meta: {
        loss: config.loss.name,
        seed: config.seed,
        backend: options.backend,
        data: options.dataRoot,
      },
      stopAfter: Math.min(config.steps, options.stopAfterStep ?? Infinity),
      stop: options.stop,
    });
    failed = false;
    return {
      step: done.state.step,
      best: bestOf(outDir, done.state),
      latestCheckpoint: done.latestCheckpoint,
      lastLosses: done.lastLosses,
    };
  } finally {
    progress?.stop();
    await runStep?.dispose();
    parts.dispose();
    await folder?.close(failed);
  }
}
