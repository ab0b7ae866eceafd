/**
 * The three blocks of `npm run bench` (training, upconversion, memory),
 * each returning plain figures for the table and the JSON file.
 */
import * as tf from '@tensorflow/tfjs';
import { join } from 'node:path';

import { selectBackend } from '../backend/select-backend.ts';
import type { TrainConfig } from '../config/train-config.ts';
import { checkTrainConfig, createTrainParts } from '../train/train-setup.ts';
import { createParallelTrainStep } from '../train/parallel-step.ts';
import {
  defaultInferenceThreads,
  loadInferenceInterpolator,
} from '../models/load-interpolator.ts';
import { benchTrain, median, randomBatch } from './train-bench.ts';
import {
  benchCheckpoint,
  benchUpconvertSpeed,
  benchVideoProtocol,
  makeClip,
  measurePeakRss,
  minterpolateMethod,
} from './upconvert-bench.ts';

/** Sizes of one bench run; see `BENCH_SETTINGS`. */
export interface BenchSettings {
  /**
   * `size`/`batch`: the wasm figures. The pure-JS cpu backend needs tens of
   * minutes for one step at 128x128, batch 8, so the wasm / cpu ratio is
   * measured like for like at `cpuSize`/`cpuBatch`.
   */
  train: {
    size: number;
    batch: number;
    wasmSteps: number;
    cpuSteps: number;
    cpuSize: number;
    cpuBatch: number;
  };
  /** Seconds of box.mp4 upconverted; PSNR samples (undefined: all). */
  upconvert: { seconds: number; psnrSamples?: number };
  /** Short and long clip lengths in seconds. */
  memory: { shortSeconds: number; longSeconds: number };
}

/** Full settings (the issue's) and `--quick` ones. */
export const BENCH_SETTINGS: Record<'full' | 'quick', BenchSettings> = {
  full: {
    train: {
      size: 128, batch: 8, wasmSteps: 2, cpuSteps: 1, cpuSize: 64, cpuBatch: 2,
    },
    upconvert: { seconds: 10 },
    memory: { shortSeconds: 10, longSeconds: 60 },
  },
  quick: {
    train: {
      size: 64, batch: 4, wasmSteps: 1, cpuSteps: 1, cpuSize: 32, cpuBatch: 2,
    },
    upconvert: { seconds: 2, psnrSamples: 10 },
    memory: { shortSeconds: 2, longSeconds: 12 },
  },
};

/** Training block figures (samples per second). */
export interface TrainBlock {
  size: number;
  batch: number;
  wasm: number;
  /** wasm with a gradient worker thread (2 threads). */
  wasmTwoThreads: number;
  /** Size and batch of the like-for-like wasm / cpu comparison. */
  cpuSize: number;
  cpuBatch: number;
  /** wasm (one thread) at `cpuSize` / `cpuBatch`. */
  wasmSmall: number;
  cpu: number;
  /** How the cpu figure was timed. */
  cpuTiming: string;
}

/** Times `steps` parallel steps after one warm-up; samples per second. */
async function benchParallel(
  config: TrainConfig,
  size: number,
  batch: number,
  steps: number,
): Promise<number> {
  await tf.setBackend('wasm');
  const sized = { ...config, cropSize: size, batchSize: batch };
  const parts = createTrainParts(sized, checkTrainConfig(sized));
  const parallel = await createParallelTrainStep(parts, { config: sized });
  const tensors = randomBatch(batch, size);
  const times: number[] = [];
  try {
    for (let i = 0; i <= steps; i++) {
      const started = performance.now();
      parallel.step(tensors, { adversarial: true });
      if (i > 0) {
        times.push((performance.now() - started) / 1000);
      }
    }
  } finally {
    tf.dispose([tensors.prev, tensors.middle, tensors.next]);
    await parallel.dispose();
    parts.dispose();
  }
  return batch / median(times);
}

/**
 * Training block: wasm (one warm-up, then the median of `wasmSteps`) and
 * wasm with the gradient worker at `size`; then wasm and cpu (`cpuSteps`
 * steps with no warm-up) at the smaller `cpuSize` for the ratio.
 */
export async function runTrainBlock(
  config: TrainConfig,
  s: BenchSettings['train'],
): Promise<TrainBlock> {
  const common = { size: s.size, batch: s.batch };
  const wasm = await benchTrain(config, {
    ...common, backend: 'wasm', warmupSteps: 1, timedSteps: s.wasmSteps });
  const wasmTwoThreads = await benchParallel(
    config, s.size, s.batch, s.wasmSteps);
  const small = { size: s.cpuSize, batch: s.cpuBatch };
  const wasmSmall = await benchTrain(config, {
    ...small, backend: 'wasm', warmupSteps: 1, timedSteps: s.wasmSteps });
  const cpu = await benchTrain(config, {
    ...small, backend: 'cpu', warmupSteps: 0, timedSteps: s.cpuSteps });
  return {
    ...common,
    wasm: wasm.samplesPerSec,
    wasmTwoThreads,
    cpuSize: s.cpuSize,
    cpuBatch: s.cpuBatch,
    wasmSmall: wasmSmall.samplesPerSec,
    cpu: cpu.samplesPerSec,
    cpuTiming: `${s.cpuSteps} step(s), no warm-up`,
  };
}

/** Upconversion block figures. */
export interface UpconvertBlock {
  seconds: number;
  backend: string;
  model: string;
  trained: boolean;
  /** Inference threads of `modelFps` (1: the main thread). */
  threads: number;
  /** Output frames/s with the inference threads (what `fruc` uses). */
  modelFps: number;
  /** Output frames/s with the model in the main thread. */
  modelFpsOneThread: number;
  minterpolateFps: number;
  modelPsnr: number;
  minterpolatePsnr: number;
  psnrSamples: number;
}

/**
 * Upconversion block: speed of the model in the main thread and in the
 * inference pool (one worker per core), and of minterpolate; then the
 * PSNR of the model and minterpolate on the video protocol.
 */
export async function runUpconvertBlock(
  config: TrainConfig,
  source: string,
  workDir: string,
  s: BenchSettings['upconvert'],
): Promise<UpconvertBlock> {
  const clip = join(workDir, `clip-${s.seconds}s.mp4`);
  await makeClip(source, clip, s.seconds);
  const backend = await selectBackend('auto');
  const checkpoint = await benchCheckpoint(config.generator, workDir);
  const threads = defaultInferenceThreads(backend);
  const single = await loadInferenceInterpolator(checkpoint.dir, 1);
  const pool = threads > 1
    ? await loadInferenceInterpolator(checkpoint.dir, threads)
    : single;
  const minterpolate = minterpolateMethod();
  try {
    const singleSpeed = await benchUpconvertSpeed(
      clip, join(workDir, 'model-1.mp4'), single);
    const poolSpeed = pool === single
      ? singleSpeed
      : await benchUpconvertSpeed(clip, join(workDir, 'model-n.mp4'), pool);
    const miSpeed = await benchUpconvertSpeed(
      clip, join(workDir, 'minterpolate.mp4'), 'minterpolate');
    const psnr = await benchVideoProtocol(clip, [
      { label: 'model', interpolator: single },
      { label: 'minterpolate', interpolator: minterpolate },
    ], s.psnrSamples);
    return {
      seconds: s.seconds,
      backend,
      model: checkpoint.trained ? checkpoint.dir : 'untrained default generator',
      trained: checkpoint.trained,
      threads: pool === single ? 1 : threads,
      modelFps: poolSpeed.framesPerSec,
      modelFpsOneThread: singleSpeed.framesPerSec,
      minterpolateFps: miSpeed.framesPerSec,
      modelPsnr: psnr.model.psnr,
      minterpolatePsnr: psnr.minterpolate.psnr,
      psnrSamples: psnr.model.samples,
    };
  } finally {
    single.dispose();
    if (pool !== single) {
      pool.dispose();
    }
    minterpolate.dispose();
  }
}

/** Memory block figures. */
export interface MemoryBlock {
  method: string;
  shortSeconds: number;
  longSeconds: number;
  shortPeakMiB: number;
  longPeakMiB: number;
  shortWallSec: number;
  longWallSec: number;
}

/**
 * Memory block: `fruc upconvert --method blend` of a short and a long
 * clip (box.mp4 looped), each in a fresh process; peak RSS of the node
 * process from `/usr/bin/time -v`.
 * Limitation: blend, not the model: the model runs ~3 output frames/s
 * here, so a 60 s clip would take ~20 minutes; its per-frame memory is
 * fixed, and the streaming pipeline measured is the same.
 */
export async function runMemoryBlock(
  source: string,
  workDir: string,
  s: BenchSettings['memory'],
): Promise<MemoryBlock> {
  const args = ['--method', 'blend'];
  const shortClip = join(workDir, `mem-${s.shortSeconds}s.mp4`);
  const longClip = join(workDir, `mem-${s.longSeconds}s.mp4`);
  await makeClip(source, shortClip, s.shortSeconds);
  await makeClip(source, longClip, s.longSeconds, 10);
  const short = await measurePeakRss(
    shortClip, join(workDir, 'mem-short-out.mp4'), args);
  const long = await measurePeakRss(
    longClip, join(workDir, 'mem-long-out.mp4'), args);
  return {
    method: 'blend',
    shortSeconds: s.shortSeconds,
    longSeconds: s.longSeconds,
    shortPeakMiB: short.peakRssMiB,
    longPeakMiB: long.peakRssMiB,
    shortWallSec: short.wallSec,
    longWallSec: long.wallSec,
  };
}
