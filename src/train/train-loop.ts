/**
 * The training loop: alternating discriminator and generator steps on
 * augmented crops, with periodic validation and checkpoints, resumable
 * from any checkpoint with identical results.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';

import { resolveLearningRates, type TrainConfig } from '../config/train-config.ts';
import { createTripletLoader } from '../data/triplet-loader.ts';
import { getLogger } from '../util/logger.ts';
import { createLrSchedule, initialScheduleState } from './lr-schedule.ts';
import { setLearningRate } from './optimizers.ts';
import { openRunLog } from './run-log.ts';
import {
  readTrainCheckpoint,
  setPointer,
  stepCheckpointPath,
  writeTrainCheckpoint,
  type TrainState,
} from './train-checkpoint.ts';
import {
  createTrainProgress,
  type TrainProgress,
} from './train-progress.ts';
import {
  batchTensors,
  checkInitCheckpoint,
  checkTrainConfig,
  createTrainParts,
  loadInitGenerator,
  loadTripletSplit,
  prepareRunFolder,
  writeRunConfig,
} from './train-setup.ts';
import { createRunStep } from './parallel-step.ts';
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
  /** Replace an existing run folder. Default false. */
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

/** Trains the generator as `options.config` says; see the module docs. */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const { config, outDir } = options;
  const logger = getLogger();
  const generatorConfig = checkTrainConfig(config);
  // Everything that can be checked is checked before the run folder is
  // touched, so a refused run leaves nothing behind.
  const split = await loadTripletSplit(
    options.dataRoot, config.validation.samples);
  if (options.initCheckpoint && !options.resume) {
    await checkInitCheckpoint(options.initCheckpoint, generatorConfig);
  }
  const resumeFrom = await prepareRunFolder({
    outDir,
    resume: options.resume ?? false,
    overwrite: options.overwrite ?? false,
    dataRoot: options.dataRoot,
  });
  logger.info(
    `data: ${split.train.length} training and ` +
      `${split.validation.length} validation triplets`);

  logger.info('building models');
  const parts = createTrainParts(config, generatorConfig);
  let progress: TrainProgress | undefined;
  let runStep: Awaited<ReturnType<typeof createRunStep>> | undefined;
  try {
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
    } else {
      if (options.initCheckpoint) {
        logger.info(`restoring generator from ${options.initCheckpoint}`);
        await loadInitGenerator(
          options.initCheckpoint, parts.generator, generatorConfig);
      }
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
    const step = runStep.step;
    const validator = createValidator(split.validation, generatorConfig);
    const loader = createTripletLoader({
      triplets: split.train,
      batchSize: config.batchSize,
      cropSize: config.cropSize,
      ...config.augment,
      seed: config.seed,
      startBatch: state.dataPosition,
    });
    const meta = {
      loss: config.loss.name,
      seed: config.seed,
      backend: options.backend,
      data: options.dataRoot,
    };
    const lastStep = config.steps;
    const stopAfter = Math.min(lastStep, options.stopAfterStep ?? Infinity);
    progress = createTrainProgress(
      state.step, config.steps, { force: options.forceProgress });
    let latestCheckpoint = resumeFrom ?? '';
    let lastLosses: Record<string, number> = {};

    for (let n = state.step + 1; n <= stopAfter; n++) {
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
      const result = step(tensors, { adversarial: n > config.warmupSteps });
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
        const val = await validator.run(parts.generator);
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
        latestCheckpoint = await writeTrainCheckpoint(
          outDir, parts, state, meta);
        await setPointer(outDir, 'latest', n);
        if (newBest) {
          await setPointer(outDir, 'best', n);
        }
      }
    }
    return {
      step: state.step,
      best: bestOf(outDir, state),
      latestCheckpoint,
      lastLosses,
    };
  } finally {
    progress?.stop();
    await runStep?.dispose();
    parts.dispose();
  }
}
