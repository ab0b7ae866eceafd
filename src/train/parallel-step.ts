/**
 * Data-parallel training on two cores. tfjs runs wasm single-threaded in
 * Node, so a worker thread with its own wasm backend computes the
 * gradients of the second half of each batch while this thread computes
 * the first half's. Both threads run the unchanged `createTrainStep`:
 * its `applyGradients` calls block until the other half's gradients are
 * there, then this thread applies their sample-weighted mean with the real
 * optimisers (fixed order: this half first), so a given seed always gives
 * the same result. The discriminator's new weights (spectral-norm `u`
 * vectors included) go to the worker before the generator step; all
 * weights go to it at the start of every step.
 *
 * Paper note: the averaged gradient equals the full-batch gradient for
 * losses that are means over samples (all of this project's terms); the
 * result differs from one-thread training only by float rounding.
 */
import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';

import type { TrainConfig } from '../config/train-config.ts';
import { startTsWorker } from '../util/worker-thread.ts';
import {
  createSharedBuffers,
  HandOffOptimizer,
  regionsOf,
  SignalChannel,
  sizeOf,
  SLOT,
  writeVariables,
} from './parallel-shared.ts';
import {
  COMMAND,
  SIZE_SLOTS,
  type ParallelWorkerData,
} from './parallel-worker.ts';
import {
  createTrainStep,
  type BatchTensors,
  type TrainStep,
  type TrainStepParts,
} from './train-step.ts';

/** A step that uses a worker thread, and how to stop the worker. */
export interface ParallelTrainStep {
  step: TrainStep;
  /** Threads computing gradients (this one and the worker): 2. */
  threads: number;
  /** Stops the worker; the parts stay usable. */
  dispose(): Promise<void>;
}

/** Options of {@link createParallelTrainStep}. */
export interface ParallelStepOptions {
  /**
   * Config the worker builds its networks from: the same generator,
   * discriminator and loss as `parts`. `batchSize` and `cropSize` size the
   * shared batch buffer; larger batches run on this thread alone.
   */
  config: TrainConfig;
  /** Longest wait for the worker at a sync point. Default 10 minutes. */
  timeoutMs?: number;
}

const variablesOf = (model: tf.LayersModel, trainable: boolean) =>
  (trainable ? model.trainableWeights : model.weights)
    .map((w) => w.read() as tf.Variable);

/**
 * Starts the gradient worker and returns a {@link TrainStep} with the same
 * contract as `createTrainStep(parts)`. The active backend should be wasm
 * (the worker always runs wasm). Batches of one sample, or larger than
 * `config.batchSize`, run on this thread alone.
 */
export async function createParallelTrainStep(
  parts: TrainStepParts,
  options: ParallelStepOptions,
): Promise<ParallelTrainStep> {
  const { config } = options;
  const timeoutMs = options.timeoutMs ?? 10 * 60 * 1000;
  const disc = parts.discriminator;
  const genVars = variablesOf(parts.generator, true);
  const genWeights = variablesOf(parts.generator, false);
  const discVars = disc ? variablesOf(disc.model, true) : [];
  const discWeights = disc ? variablesOf(disc.model, false) : [];
  const maxHalf = Math.floor(config.batchSize / 2);
  const batchCapacity = maxHalf * config.cropSize * config.cropSize * 3;
  const buffers = createSharedBuffers({
    batch: 3 * batchCapacity,
    gradD: sizeOf(discVars),
    gradG: sizeOf(genVars),
    weightsD: sizeOf(discWeights),
    weightsG: sizeOf(genWeights),
  });
  const data: ParallelWorkerData = {
    config, buffers, batchCapacity, timeoutMs };
  const worker: Worker = await startTsWorker(
    new URL('./parallel-worker.ts', import.meta.url), data);
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  const control = new Int32Array(buffers.control);
  const channel = new SignalChannel(control, timeoutMs);
  const regions = regionsOf(buffers);
  const workerLosses = new Float64Array(buffers.losses);
  let share = { main: 1, worker: 0 };

  // Waits for the worker's gradients and applies the weighted mean.
  const averaging = (
    real: tf.Optimizer,
    variables: tf.Variable[],
    region: Float32Array,
    after?: () => void,
  ) => new HandOffOptimizer((grads) => {
    channel.receive(SLOT.toMain);
    const total = share.main + share.worker;
    const mean: tf.NamedTensorMap = {};
    let offset = 0;
    for (const v of variables) {
      const own = grads[v.name]?.dataSync() ?? new Float32Array(v.size);
      const values = new Float32Array(v.size);
      for (let i = 0; i < v.size; i++) {
        values[i] = (share.main * own[i] +
          share.worker * region[offset + i]) / total;
      }
      mean[v.name] = tf.tensor(values, v.shape, 'float32');
      offset += v.size;
    }
    real.applyGradients(mean);
    tf.dispose(Object.values(mean));
    after?.();
  });

  const localStep = createTrainStep({
    ...parts,
    optimizerG: averaging(parts.optimizerG, genVars, regions.gradG),
    optimizerD: disc && parts.optimizerD
      ? averaging(parts.optimizerD, discVars, regions.gradD, () => {
        writeVariables(discWeights, regions.weightsD);
        channel.send(SLOT.toWorker);
      })
      : undefined,
  });
  const plainStep = createTrainStep(parts);

  const step: TrainStep = (batch, stepOptions) => {
    const [n, height, width] = batch.prev.shape;
    const nMain = Math.ceil(n / 2);
    const nWorker = n - nMain;
    if (nWorker === 0 || nWorker * height * width * 3 > batchCapacity) {
      return plainStep(batch, stepOptions);
    }

    // Hand the worker the weights and its half of the batch.
    writeVariables(genWeights, regions.weightsG);
    writeVariables(discWeights, regions.weightsD);
    const names = ['prev', 'middle', 'next'] as const;
    names.forEach((name, k) => {
      const half = tf.slice(batch[name], [nMain, 0, 0, 0]);
      regions.batch.set(half.dataSync() as Float32Array, k * batchCapacity);
      half.dispose();
    });
    Atomics.store(control, SLOT.command, stepOptions.adversarial
      ? COMMAND.adversarialStep : COMMAND.pixelStep);
    Atomics.store(control, SLOT.workerBatch, nWorker);
    Atomics.store(control, SIZE_SLOTS.height, height);
    Atomics.store(control, SIZE_SLOTS.width, width);
    share = { main: nMain, worker: nWorker };
    channel.send(SLOT.toWorker);

    // This half, then the step's losses as sample-weighted means.
    const ownHalf = (t: tf.Tensor4D) =>
      tf.slice(t, [0, 0, 0, 0], [nMain, -1, -1, -1]);
    const own: BatchTensors = {
      prev: ownHalf(batch.prev),
      middle: ownHalf(batch.middle),
      next: ownHalf(batch.next),
    };
    let result;
    try {
      result = localStep(own, stepOptions);
    } finally {
      tf.dispose([own.prev, own.middle, own.next]);
    }
    channel.receive(SLOT.toMain);
    const losses: Record<string, number> = {};
    Object.keys(result.losses).sort().forEach((name, i) => {
      losses[name] = (nMain * result.losses[name] +
        nWorker * workerLosses[i]) / n;
    });
    return { losses };
  };

  return {
    step,
    threads: 2,
    async dispose() {
      Atomics.store(control, SLOT.command, COMMAND.stop);
      channel.send(SLOT.toWorker);
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Gradient threads training uses by default: 2 on the wasm backend when
 * the machine has more than one core, else 1 (native TensorFlow and the
 * pure-JS backend are left alone).
 */
export function defaultTrainThreads(backend: string): number {
  return backend === 'wasm' && availableParallelism() > 1 ? 2 : 1;
}

/**
 * The step a training run uses: {@link createParallelTrainStep} when
 * `threads` (default {@link defaultTrainThreads}) is 2 or more on wasm,
 * else `createTrainStep(parts)`. `dispose()` stops any worker.
 */
export async function createRunStep(
  parts: TrainStepParts,
  config: TrainConfig,
  backend: string,
  threads = defaultTrainThreads(backend),
): Promise<{ step: TrainStep; threads: number; dispose(): Promise<void> }> {
  if (threads >= 2 && backend === 'wasm' && config.batchSize >= 2) {
    return createParallelTrainStep(parts, { config });
  }
  return {
    step: createTrainStep(parts),
    threads: 1,
    dispose: async () => undefined,
  };
}
