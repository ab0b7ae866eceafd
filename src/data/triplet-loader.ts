/**
 * Batches of augmented training crops from triplets on disk, with a
 * prefetch queue so that decoding the next batch overlaps the current
 * training step.
 *
 * Every batch is a pure function of (seed, batch index): sample order comes
 * from a seeded permutation per epoch and each batch's crops and flips from
 * a generator seeded with its index. Resuming at batch `k` therefore needs
 * only `k`, and prefetched batches never shift the random stream.
 *
 * Decoded frames are cached (up to `cacheBytes`), so after the first epoch
 * a batch costs only its crops. Measured on the default aagan config
 * (batch 8, 64x64 crops of 320x240 UCF101 frames, wasm): the first batch
 * takes about 230 ms to decode; later steps wait about 10 ms for their
 * batch against about 2 s of compute.
 * Limitation: PNG decoding runs on the main thread, so it interleaves with
 * the step at await points rather than running in parallel; a worker
 * thread would matter only for datasets too large to cache.
 */
import seedrandom from 'seedrandom';

import type { Frame } from '../image/frame.ts';
import { readPng } from '../image/png-io.ts';
import {
  applyAugmentation,
  drawAugmentation,
  type AugmentOptions,
  type FrameTriplet,
} from './augment.ts';
import { TrainDataError } from './errors.ts';
import type { TripletRef } from './triplet-layouts.ts';

/** One batch of crops, NHWC float32 in [0, 1]. */
export interface TripletBatch {
  /** `[size, cropSize, cropSize, 3]` previous frames. */
  prev: Float32Array;
  /** `[size, cropSize, cropSize, 3]` true middle frames. */
  middle: Float32Array;
  /** `[size, cropSize, cropSize, 3]` next frames. */
  next: Float32Array;
  /** Triplets in the batch. */
  size: number;
  cropSize: number;
  /** Ids of the triplets used, in batch order. */
  ids: string[];
  /** Milliseconds spent reading, decoding and augmenting this batch. */
  loadMs: number;
}

/** Options of {@link createTripletLoader}. */
export interface TripletLoaderOptions extends AugmentOptions {
  /** Training triplets; at least one. */
  triplets: TripletRef[];
  /** Triplets per batch, >= 1. */
  batchSize: number;
  /** Seed of sample order, crops and flips. */
  seed: number;
  /** Index of the first batch {@link TripletLoader.next} returns. Default 0. */
  startBatch?: number;
  /**
   * Decoded frames are kept in memory up to this many bytes (then read
   * from disk each time). Default 1 GiB; 0 disables the cache.
   */
  cacheBytes?: number;
}

/** A stream of batches with one batch decoded ahead. */
export interface TripletLoader {
  /** Index of the batch the next call to `next()` returns. */
  readonly position: number;
  /** Returns the next batch and starts decoding the one after it. */
  next(): Promise<TripletBatch>;
  /** Builds batch `index` directly (no queue, no position change). */
  batchAt(index: number): Promise<TripletBatch>;
  /** Bytes of decoded frames held in the cache. */
  readonly cachedBytes: number;
}

const DEFAULT_CACHE_BYTES = 1024 ** 3;

/** Fisher-Yates shuffle of 0..n-1 driven by `random`. */
function permutation(n: number, random: () => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/**
 * Splits triplets into training and validation sets. The `samples`
 * validation triplets are spread evenly over the sorted list (the same
 * ones whatever the seed), so that every run of a dataset validates on the
 * same frames.
 * @throws TrainDataError when fewer than `samples + 1` triplets exist.
 */
export function splitTriplets(
  triplets: TripletRef[],
  samples: number,
  root: string,
): { train: TripletRef[]; validation: TripletRef[] } {
  const n = triplets.length;
  if (n <= samples) {
    throw new TrainDataError(
      `${root} holds ${n} triplets, but validation.samples is ${samples} ` +
        'and at least one more is needed for training; add triplets or ' +
        'lower validation.samples in the config.',
    );
  }
  const held = new Set<number>();
  for (let k = 0; k < samples; k++) {
    held.add(Math.floor(((k + 0.5) * n) / samples));
  }
  return {
    train: triplets.filter((_, i) => !held.has(i)),
    validation: triplets.filter((_, i) => held.has(i)),
  };
}

/** Creates a loader; see {@link TripletLoaderOptions}. */
export function createTripletLoader(
  options: TripletLoaderOptions,
): TripletLoader {
  const { triplets, batchSize, cropSize, seed } = options;
  if (triplets.length === 0) {
    throw new Error('createTripletLoader: no training triplets.');
  }
  const cacheLimit = options.cacheBytes ?? DEFAULT_CACHE_BYTES;
  const cache = new Map<string, Promise<Frame>>();
  let cachedBytes = 0;
  const permutations = new Map<number, number[]>();

  async function loadFrame(path: string): Promise<Frame> {
    const hit = cache.get(path);
    if (hit) {
      return hit;
    }
    const pending = readPng(path);
    if (cachedBytes < cacheLimit) {
      cache.set(path, pending);
      const frame = await pending;
      cachedBytes += frame.data.byteLength;
      return frame;
    }
    return pending;
  }

  async function loadTriplet(ref: TripletRef): Promise<FrameTriplet> {
    const [prev, middle, next] = await Promise.all(
      [ref.prev, ref.middle, ref.next].map(loadFrame),
    );
    checkTripletSizes(ref.id, [prev, middle, next], cropSize);
    return { prev, middle, next };
  }

  function sampleIndex(k: number): number {
    const n = triplets.length;
    const epoch = Math.floor(k / n);
    let order = permutations.get(epoch);
    if (!order) {
      order = permutation(n, seedrandom(`${seed}:epoch:${epoch}`));
      permutations.clear();
      permutations.set(epoch, order);
    }
    return order[k % n];
  }

  async function batchAt(index: number): Promise<TripletBatch> {
    const started = performance.now();
    const random = seedrandom(`${seed}:batch:${index}`);
    const refs = Array.from({ length: batchSize }, (_, i) =>
      triplets[sampleIndex(index * batchSize + i)],
    );
    const loaded = await Promise.all(refs.map(loadTriplet));
    const pixels = cropSize * cropSize * 3;
    const batch = {
      prev: new Float32Array(batchSize * pixels),
      middle: new Float32Array(batchSize * pixels),
      next: new Float32Array(batchSize * pixels),
    };
    loaded.forEach((triplet, i) => {
      const { width, height } = triplet.middle;
      const aug = drawAugmentation(random, width, height, options);
      const crops = applyAugmentation(triplet, aug);
      for (const key of ['prev', 'middle', 'next'] as const) {
        const target = batch[key];
        const data = crops[key].data;
        for (let p = 0; p < pixels; p++) {
          target[i * pixels + p] = data[p] / 255;
        }
      }
    });
    return {
      ...batch,
      size: batchSize,
      cropSize,
      ids: refs.map((r) => r.id),
      loadMs: performance.now() - started,
    };
  }

  let position = options.startBatch ?? 0;
  let ahead: Promise<TripletBatch> | undefined;
  return {
    get position() {
      return position;
    },
    get cachedBytes() {
      return cachedBytes;
    },
    async next() {
      const current = ahead ?? batchAt(position);
      position += 1;
      ahead = batchAt(position);
      // A failure of the batch decoded ahead surfaces when it is used.
      ahead.catch(() => undefined);
      return current;
    },
    batchAt,
  };
}

/**
 * Throws {@link TrainDataError} unless the three frames of triplet `id`
 * (previous, middle, next) share one size of at least `cropSize` square.
 */
export function checkTripletSizes(
  id: string,
  [prev, middle, next]: { width: number; height: number }[],
  cropSize: number,
): void {
  const { width, height } = middle;
  for (const frame of [prev, next]) {
    if (frame.width !== width || frame.height !== height) {
      throw new TrainDataError(
        `triplet ${id} mixes frame sizes (${frame.width}x` +
          `${frame.height} and ${width}x${height}); fix or remove it.`,
      );
    }
  }
  if (width < cropSize || height < cropSize) {
    throw new TrainDataError(
      `triplet ${id} is ${width}x${height}, smaller than cropSize ` +
        `${cropSize}; lower cropSize in the config or remove the triplet.`,
    );
  }
}
