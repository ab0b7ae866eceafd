/**
 * Training throughput: samples per second of one full step (discriminator
 * then generator) of the configured models on one TensorFlow.js backend.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

import '../kernels/register-wasm-kernels.ts';
import type { TrainConfig } from '../config/train-config.ts';
import { createTrainParts, checkTrainConfig } from '../train/train-setup.ts';
import { createTrainStep, type BatchTensors } from '../train/train-step.ts';

/** Settings of {@link benchTrain}. */
export interface TrainBenchOptions {
  /** `wasm` (with this project's kernels) or `cpu` (pure JS). */
  backend: 'wasm' | 'cpu';
  /** Side of the square crops, a multiple of 2^generator.levels. */
  size: number;
  /** Samples per step, >= 1. */
  batch: number;
  /** Untimed steps run first (tfjs compiles and caches on first use). */
  warmupSteps: number;
  /** Timed steps, >= 1; the figure is their median. */
  timedSteps: number;
}

/** What {@link benchTrain} measured. */
export interface TrainBenchResult {
  backend: string;
  size: number;
  batch: number;
  warmupSteps: number;
  timedSteps: number;
  /** Median seconds of one timed step. */
  secondsPerStep: number;
  /** batch / secondsPerStep. */
  samplesPerSec: number;
}

/**
 * A seeded random batch `[batch, size, size, 3]` in [0, 1]: throughput
 * does not depend on the pixel values, and a fixed batch keeps the data
 * loader out of the figure.
 */
export function randomBatch(batch: number, size: number): BatchTensors {
  const shape: [number, number, number, number] = [batch, size, size, 3];
  return {
    prev: tf.randomUniform(shape, 0, 1, 'float32', 11) as tf.Tensor4D,
    middle: tf.randomUniform(shape, 0, 1, 'float32', 12) as tf.Tensor4D,
    next: tf.randomUniform(shape, 0, 1, 'float32', 13) as tf.Tensor4D,
  };
}

/** Median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[mid]
    : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Times full adversarial steps of `config`'s generator and discriminator
 * on `options.backend`, in this thread. The backend stays active after.
 */
export async function benchTrain(
  config: TrainConfig,
  options: TrainBenchOptions,
): Promise<TrainBenchResult> {
  if (!(await tf.setBackend(options.backend))) {
    throw new Error(`benchTrain: backend ${options.backend} did not start.`);
  }
  await tf.ready();
  const generatorConfig = checkTrainConfig({
    ...config, cropSize: options.size });
  const parts = createTrainParts(config, generatorConfig);
  const batch = randomBatch(options.batch, options.size);
  const times: number[] = [];
  try {
    const step = createTrainStep(parts);
    for (let i = 0; i < options.warmupSteps + options.timedSteps; i++) {
      const started = performance.now();
      step(batch, { adversarial: true });
      if (i >= options.warmupSteps) {
        times.push((performance.now() - started) / 1000);
      }
    }
  } finally {
    tf.dispose([batch.prev, batch.middle, batch.next]);
    parts.dispose();
  }

  const secondsPerStep = median(times);
  return {
    backend: options.backend,
    size: options.size,
    batch: options.batch,
    warmupSteps: options.warmupSteps,
    timedSteps: options.timedSteps,
    secondsPerStep,
    samplesPerSec: options.batch / secondsPerStep,
  };
}
