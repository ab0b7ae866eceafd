/**
 * Training augmentation of frame triplets: a random square crop, random
 * horizontal and vertical flips, and temporal reversal (previous and next
 * swapped). Every choice is drawn from a caller-supplied random source, so
 * a seeded source gives the same crops and flips every run.
 */
import { cropFrame, createFrame, type Frame } from '../image/frame.ts';

/** Three frames in time order: previous, middle (ground truth), next. */
export interface FrameTriplet {
  prev: Frame;
  middle: Frame;
  next: Frame;
}

/** Which augmentations are switched on. */
export interface AugmentOptions {
  /** Side of the square crop in pixels; must fit the frames. */
  cropSize: number;
  /** Random horizontal and vertical flips. */
  flip: boolean;
  /** Randomly swap previous and next frames. */
  temporalReverse: boolean;
}

/** One drawn augmentation: where to crop and what to flip or swap. */
export interface Augmentation {
  /** Left column of the crop. */
  x: number;
  /** Top row of the crop. */
  y: number;
  size: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  reverse: boolean;
}

/**
 * Draws one augmentation for `width` x `height` frames. Always consumes
 * five numbers from `random` (whatever is switched off), so the stream of
 * choices does not depend on the options.
 * @param random Returns numbers in [0, 1), e.g. a seedrandom generator.
 */
export function drawAugmentation(
  random: () => number,
  width: number,
  height: number,
  options: AugmentOptions,
): Augmentation {
  const size = options.cropSize;
  if (size > width || size > height) {
    throw new Error(
      `drawAugmentation: crop ${size} does not fit ${width}x${height} frames.`,
    );
  }
  const x = Math.floor(random() * (width - size + 1));
  const y = Math.floor(random() * (height - size + 1));
  const flipHorizontal = random() < 0.5;
  const flipVertical = random() < 0.5;
  const reverse = random() < 0.5;
  return {
    x,
    y,
    size,
    flipHorizontal: options.flip && flipHorizontal,
    flipVertical: options.flip && flipVertical,
    reverse: options.temporalReverse && reverse,
  };
}

/** Mirrors a frame left-right and/or top-bottom (a new frame). */
export function flipFrame(
  frame: Frame,
  horizontal: boolean,
  vertical: boolean,
): Frame {
  const { width, height } = frame;
  const out = createFrame(width, height);
  for (let y = 0; y < height; y++) {
    const srcY = vertical ? height - 1 - y : y;
    for (let x = 0; x < width; x++) {
      const srcX = horizontal ? width - 1 - x : x;
      const src = (srcY * width + srcX) * 3;
      const dst = (y * width + x) * 3;
      out.data[dst] = frame.data[src];
      out.data[dst + 1] = frame.data[src + 1];
      out.data[dst + 2] = frame.data[src + 2];
    }
  }
  return out;
}

/** Applies `aug` to all three frames alike; returns new frames. */
export function applyAugmentation(
  triplet: FrameTriplet,
  aug: Augmentation,
): FrameTriplet {
  const transform = (frame: Frame) => {
    const crop = cropFrame(frame, aug.x, aug.y, aug.size, aug.size);
    if (!aug.flipHorizontal && !aug.flipVertical) {
      return crop;
    }
    return flipFrame(crop, aug.flipHorizontal, aug.flipVertical);
  };
  const prev = transform(triplet.prev);
  const middle = transform(triplet.middle);
  const next = transform(triplet.next);
  return aug.reverse
    ? { prev: next, middle, next: prev }
    : { prev, middle, next };
}
