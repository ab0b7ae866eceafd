import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';

import { getLogger } from '../util/logger.ts';
import { loadGeneratorCheckpoint } from './checkpoint.ts';
import { disposeLayersModel } from './dispose.ts';
import { createInterpolatorPool } from './interpolator-pool.ts';
import type { Interpolator } from './interpolator.ts';
import { loadModelInterpolator } from './model-interpolator.ts';

/** Most inference workers a pool starts by default. */
const MAX_DEFAULT_THREADS = 8;

/**
 * Inference threads up-conversion uses by default: one worker per core
 * (at most 8) on the wasm backend when the machine has more than one core,
 * else 1 (native TensorFlow threads itself; pure JS is left alone).
 */
export function defaultInferenceThreads(backend: string): number {
  const cores = availableParallelism();
  return backend === 'wasm' && cores > 1
    ? Math.min(cores, MAX_DEFAULT_THREADS)
    : 1;
}

/**
 * Loads a generator checkpoint for streaming inference: with `threads` of
 * 2 or more on the wasm backend, a pool of worker threads (see
 * `createInterpolatorPool`), else one in-thread model. The checkpoint is
 * first loaded here, so a folder that does not fit the model fails with
 * the checkpoint errors of `./errors.ts` before any worker starts.
 */
export async function loadInferenceInterpolator(
  checkpoint: string,
  threads = defaultInferenceThreads(tf.getBackend()),
): Promise<Interpolator> {
  if (threads < 2 || tf.getBackend() !== 'wasm') {
    return loadModelInterpolator(checkpoint);
  }
  const { model } = await loadGeneratorCheckpoint(checkpoint);
  disposeLayersModel(model);
  getLogger().info(
    `restoring checkpoint ${checkpoint} in ${threads} worker threads`);
  return createInterpolatorPool(checkpoint, threads);
}
