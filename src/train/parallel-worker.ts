/**
 * Worker thread of data-parallel training (see `parallel-step.ts`): its
 * own single-threaded wasm backend and copy of the networks; each step it
 * takes the main thread's weights, computes gradients on its half of the
 * batch and hands them over at the step's two sync points.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parentPort, workerData } from 'node:worker_threads';

import '../kernels/register-wasm-kernels.ts';
import type { TrainConfig } from '../config/train-config.ts';
import {
  HandOffOptimizer,
  readVariables,
  regionsOf,
  SignalChannel,
  SLOT,
  writeGradients,
  writeLosses,
  type SharedBuffers,
} from './parallel-shared.ts';
import { checkTrainConfig, createTrainParts } from './train-setup.ts';
import { createTrainStep } from './train-step.ts';

/** What the main thread passes in `workerData`. */
export interface ParallelWorkerData {
  config: TrainConfig;
  buffers: SharedBuffers;
  /** Floats of one of prev/middle/next in the batch region. */
  batchCapacity: number;
  timeoutMs: number;
}

/** Command values of `SLOT.command`. */
export const COMMAND = { pixelStep: 0, adversarialStep: 1, stop: 2 } as const;

/** Control slots with the worker half's height and width. */
export const SIZE_SLOTS = { height: 5, width: 6 } as const;

async function run(data: ParallelWorkerData): Promise<void> {
  tf.enableProdMode();
  if (!(await tf.setBackend('wasm'))) {
    throw new Error('the wasm backend did not start in the worker.');
  }
  await tf.ready();
  const parts = createTrainParts(data.config, checkTrainConfig(data.config));
  const control = new Int32Array(data.buffers.control);
  const channel = new SignalChannel(control, data.timeoutMs);
  const regions = regionsOf(data.buffers);
  const lossValues = new Float64Array(data.buffers.losses);
  const variablesOf = (model: tf.LayersModel, trainable: boolean) =>
    (trainable ? model.trainableWeights : model.weights)
      .map((w) => w.read() as tf.Variable);
  const genVars = variablesOf(parts.generator, true);
  const genWeights = variablesOf(parts.generator, false);
  const disc = parts.discriminator;
  const discVars = disc ? variablesOf(disc.model, true) : [];
  const discWeights = disc ? variablesOf(disc.model, false) : [];

  // Sync points: D gradients go out and the averaged-and-applied D weights
  // come back before the generator step; G gradients go out.
  const sendD = new HandOffOptimizer((grads) => {
    writeGradients(grads, discVars, regions.gradD);
    channel.send(SLOT.toMain);
    channel.receive(SLOT.toWorker);
    readVariables(discWeights, regions.weightsD);
  });
  const sendG = new HandOffOptimizer((grads) => {
    writeGradients(grads, genVars, regions.gradG);
    channel.send(SLOT.toMain);
  });
  const step = createTrainStep({
    ...parts,
    optimizerG: sendG,
    optimizerD: disc ? sendD : undefined,
  });
  parentPort?.postMessage({ type: 'ready' });

  try {
    for (;;) {
      channel.receive(SLOT.toWorker);
      const command = Atomics.load(control, SLOT.command);
      if (command === COMMAND.stop) {
        break;
      }
      readVariables(genWeights, regions.weightsG);
      readVariables(discWeights, regions.weightsD);
      const n = Atomics.load(control, SLOT.workerBatch);
      const height = Atomics.load(control, SIZE_SLOTS.height);
      const width = Atomics.load(control, SIZE_SLOTS.width);
      const count = n * height * width * 3;
      const shape: [number, number, number, number] = [n, height, width, 3];
      const part = (k: number) => tf.tensor4d(
        regions.batch.slice(k * data.batchCapacity,
          k * data.batchCapacity + count), shape);
      const batch = { prev: part(0), middle: part(1), next: part(2) };
      try {
        const result = step(batch, {
          adversarial: command === COMMAND.adversarialStep });
        writeLosses(result.losses, lossValues);
      } finally {
        tf.dispose([batch.prev, batch.middle, batch.next]);
      }
      channel.send(SLOT.toMain);
    }
  } finally {
    parts.dispose();
  }
}

if (parentPort) {
  const data = workerData as ParallelWorkerData;
  run(data).catch((err: unknown) => {
    const control = new Int32Array(data.buffers.control);
    Atomics.store(control, SLOT.failed, 1);
    Atomics.notify(control, SLOT.toMain);
    throw err;
  });
}
