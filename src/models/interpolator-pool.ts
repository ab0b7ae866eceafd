/**
 * Model inference on several cores. tfjs runs wasm single-threaded in
 * Node, so up-conversion with a model would use one core; the pool starts
 * worker threads that each load the checkpoint and interpolate whole
 * frame pairs, while the main thread only moves frames between ffmpeg and
 * the workers. Each pair goes to a free worker; results are the same as
 * one thread's (each output depends only on its own pair).
 */
import type { Worker } from 'node:worker_threads';
import { basename } from 'node:path';

import { assertSameSize, type Frame } from '../image/frame.ts';
import { startTsWorker } from '../util/worker-thread.ts';
import type { Interpolator } from './interpolator.ts';
import type {
  InterpolateReply,
  InterpolateRequest,
  InterpolatorWorkerData,
} from './interpolator-worker.ts';

interface Job {
  request: InterpolateRequest;
  resolve: (frame: Frame) => void;
  reject: (err: Error) => void;
}

/** Copies a frame so that its buffer can be moved to a worker. */
function copyFrame(frame: Frame): Frame {
  return { width: frame.width, height: frame.height,
    data: new Uint8Array(frame.data) };
}

/**
 * Starts `threads` workers, each with the generator of `checkpoint` on the
 * wasm backend, and returns an interpolator whose `concurrency` is
 * `threads`: callers that keep that many `interpolate` calls in flight
 * (see `interpolateStream`) use every worker. `dispose()` stops them.
 */
export async function createInterpolatorPool(
  checkpoint: string,
  threads: number,
): Promise<Interpolator> {
  const data: InterpolatorWorkerData = { checkpoint };
  const url = new URL('./interpolator-worker.ts', import.meta.url);
  const workers = await Promise.all(
    Array.from({ length: threads }, () => startTsWorker(url, data)));
  const idle: Worker[] = [...workers];
  const queue: Job[] = [];
  const running = new Map<number, Job>();
  let nextId = 0;
  let failure: Error | undefined;

  const dispatch = () => {
    while (idle.length > 0 && queue.length > 0) {
      const worker = idle.pop() as Worker;
      const job = queue.shift() as Job;
      running.set(job.request.id, job);
      worker.postMessage(job.request,
        [job.request.prev.data.buffer as ArrayBuffer,
          job.request.next.data.buffer as ArrayBuffer]);
    }
  };
  const failAll = (err: Error) => {
    failure ??= err;
    for (const job of [...running.values(), ...queue]) {
      job.reject(failure);
    }
    running.clear();
    queue.length = 0;
  };
  for (const worker of workers) {
    worker.on('message', (reply: InterpolateReply) => {
      const job = running.get(reply.id);
      running.delete(reply.id);
      idle.push(worker);
      if (job) {
        if ('error' in reply) {
          job.reject(new Error(reply.error));
        } else {
          job.resolve(reply.frame);
        }
      }
      dispatch();
    });
    worker.on('error', (err) => failAll(err));
    worker.on('exit', (code) => {
      if (code !== 0 || running.size > 0) {
        failAll(new Error(`an interpolation worker stopped (exit ${code})`));
      }
    });
  }

  return {
    name: `model:${basename(checkpoint)}`,
    concurrency: threads,
    interpolate(prev: Frame, next: Frame): Promise<Frame> {
      assertSameSize(prev, next, 'model');
      if (failure) {
        return Promise.reject(failure);
      }
      return new Promise<Frame>((resolve, reject) => {
        queue.push({
          request: { id: nextId++, prev: copyFrame(prev),
            next: copyFrame(next) },
          resolve,
          reject,
        });
        dispatch();
      });
    },
    dispose() {
      for (const worker of workers) {
        worker.removeAllListeners('exit');
        void worker.terminate();
      }
    },
  };
}
