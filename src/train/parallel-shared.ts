/**
 * Shared memory of data-parallel training: the layout both threads agree
 * on, a blocking signal channel (Atomics), and optimisers that hand
 * gradients across instead of (or before) applying them. Both threads run
 * the unchanged `createTrainStep`; its `applyGradients` calls are the sync
 * points.
 */
import * as tf from '@tensorflow/tfjs';

/** Control slots of the Int32 array. */
export const SLOT = {
  /** Bumped by the main thread: "step start", "D weights ready". */
  toWorker: 0,
  /** Bumped by the worker: "D grads", "G grads", "step done". */
  toMain: 1,
  /** Set to 1 by a worker that failed. */
  failed: 2,
  /** 0: pixel-only step, 1: adversarial step, 2: stop. */
  command: 3,
  /** Samples in the worker's half of the batch. */
  workerBatch: 4,
} as const;

/** Most loss terms a step may report. */
export const MAX_LOSS_TERMS = 64;

/** Float sizes of the regions of the shared Float32 array. */
export interface SharedLayout {
  /** prev, middle, next of the worker's half, each maxHalf x crop^2 x 3. */
  batch: number;
  gradD: number;
  gradG: number;
  weightsD: number;
  weightsG: number;
}

/** The buffers handed to the worker in `workerData`. */
export interface SharedBuffers {
  control: SharedArrayBuffer;
  floats: SharedArrayBuffer;
  losses: SharedArrayBuffer;
  layout: SharedLayout;
}

/** Creates zeroed buffers for `layout`. */
export function createSharedBuffers(layout: SharedLayout): SharedBuffers {
  const floats = Object.values(layout).reduce((a, b) => a + b, 0);
  return {
    control: new SharedArrayBuffer(8 * 4),
    floats: new SharedArrayBuffer(floats * 4),
    losses: new SharedArrayBuffer(MAX_LOSS_TERMS * 8),
    layout,
  };
}

/** Float32 views of each region of `buffers.floats`. */
export function regionsOf(buffers: SharedBuffers): Record<
  keyof SharedLayout, Float32Array> {
  const out = {} as Record<keyof SharedLayout, Float32Array>;
  let offset = 0;
  for (const key of Object.keys(buffers.layout) as (keyof SharedLayout)[]) {
    const length = buffers.layout[key];
    out[key] = new Float32Array(buffers.floats, offset * 4, length);
    offset += length;
  }
  return out;
}

/** Floats of all `variables` laid end to end. */
export function sizeOf(variables: tf.Variable[]): number {
  return variables.reduce((sum, v) => sum + v.size, 0);
}

/** Blocking one-way signals over an Int32 array (Atomics.wait/notify). */
export class SignalChannel {
  private readonly seen = new Map<number, number>();

  /**
   * @param control The shared Int32 control array.
   * @param timeoutMs Longest wait for one signal before giving up.
   */
  constructor(
    readonly control: Int32Array,
    private readonly timeoutMs: number,
  ) {}

  /** Bumps `slot` and wakes its waiter. */
  send(slot: number): void {
    Atomics.add(this.control, slot, 1);
    Atomics.notify(this.control, slot);
  }

  /**
   * Blocks until `slot` has been bumped once more than last seen.
   * @throws Error when the other side set `failed` or the wait timed out.
   */
  receive(slot: number): void {
    const expected = (this.seen.get(slot) ?? 0) + 1;
    const deadline = performance.now() + this.timeoutMs;
    for (;;) {
      const value = Atomics.load(this.control, slot);
      if (value >= expected) {
        break;
      }
      if (Atomics.load(this.control, SLOT.failed) !== 0) {
        throw new Error('the training worker failed; see its log above.');
      }
      if (performance.now() > deadline) {
        throw new Error(
          `the training worker sent nothing for ${this.timeoutMs} ms.`);
      }
      Atomics.wait(this.control, slot, value, 200);
    }
    this.seen.set(slot, expected);
  }
}

/** Copies the values of `variables`, in order, into `region`. */
export function writeVariables(variables: tf.Variable[], region: Float32Array): void {
  let offset = 0;
  for (const v of variables) {
    region.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
}

/** Assigns `variables`, in order, from `region`. */
export function readVariables(variables: tf.Variable[], region: Float32Array): void {
  let offset = 0;
  for (const v of variables) {
    const values = region.slice(offset, offset + v.size);
    tf.tidy(() => v.assign(tf.tensor(values, v.shape, 'float32')));
    offset += v.size;
  }
}

/** Writes the gradients of `variables` (by name), in order, into `region`. */
export function writeGradients(
  grads: tf.NamedTensorMap,
  variables: tf.Variable[],
  region: Float32Array,
): void {
  let offset = 0;
  for (const v of variables) {
    const grad = grads[v.name];
    if (grad) {
      region.set(grad.dataSync() as Float32Array, offset);
    } else {
      region.fill(0, offset, offset + v.size);
    }
    offset += v.size;
  }
}

/** What a sync point does with this thread's gradients. */
export type GradientHandler = (grads: tf.NamedTensorMap) => void;

/**
 * An optimiser whose `applyGradients` calls a handler: the step code stays
 * unchanged while the handler sends, averages or applies the gradients.
 * Only `applyGradients` is meaningful; the handler owns nothing it gets.
 */
export class HandOffOptimizer extends tf.Optimizer {
  static className = 'FrucHandOff';

  constructor(private readonly handler: GradientHandler) {
    super();
  }

  override applyGradients(
    grads: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[],
  ): void {
    if (Array.isArray(grads)) {
      throw new Error('HandOffOptimizer: expected a map of gradients.');
    }
    this.handler(grads);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {};
  }
}

/** Loss terms in sorted-name order into `values`; returns the names. */
export function writeLosses(
  losses: Record<string, number>,
  values: Float64Array,
): string[] {
  const names = Object.keys(losses).sort();
  if (names.length > values.length) {
    throw new Error(`writeLosses: more than ${values.length} loss terms.`);
  }
  names.forEach((name, i) => {
    values[i] = losses[name];
  });
  return names;
}
