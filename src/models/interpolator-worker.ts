/**
 * Worker-thread side of {@link createInterpolatorPool}: loads one
 * generator checkpoint on its own wasm backend and answers
 * `{ id, prev, next }` requests with `{ id, frame }` or `{ id, error }`.
 * The pool stops it with `terminate()`.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { parentPort, workerData } from 'node:worker_threads';

import '../kernels/register-wasm-kernels.ts';

import type { Frame } from '../image/frame.ts';
import { loadGeneratorCheckpoint } from './checkpoint.ts';
import { createModelInterpolator } from './model-interpolator.ts';

/** What the pool passes in `workerData`. */
export interface InterpolatorWorkerData {
  checkpoint: string;
}

/** A request from the pool. */
export interface InterpolateRequest {
  id: number;
  prev: Frame;
  next: Frame;
}

/** The worker's answer to one request. */
export type InterpolateReply =
  | { id: number; frame: Frame }
  | { id: number; error: string };

async function run(data: InterpolatorWorkerData): Promise<void> {
  tf.enableProdMode();
  if (!(await tf.setBackend('wasm'))) {
    throw new Error('the wasm backend did not start in the worker.');
  }
  await tf.ready();
  const { model, info } = await loadGeneratorCheckpoint(data.checkpoint);
  const interpolator = createModelInterpolator(model, info.generator, 'worker');
  const port = parentPort;
  if (!port) {
    throw new Error('interpolator-worker must run in a worker thread.');
  }
  port.on('message', (request: InterpolateRequest) => {
    interpolator.interpolate(request.prev, request.next).then(
      (frame) => {
        const reply: InterpolateReply = { id: request.id, frame };
        port.postMessage(reply, [frame.data.buffer as ArrayBuffer]);
      },
      (err: unknown) => {
        const reply: InterpolateReply = {
          id: request.id,
          error: err instanceof Error ? err.message : String(err),
        };
        port.postMessage(reply);
      },
    );
  });
  port.postMessage({ type: 'ready' });
}

await run(workerData as InterpolatorWorkerData);
