import { assertSameSize, type Frame } from '../image/frame.ts';
import type { Interpolator } from './interpolator.ts';

/** Repeats the earlier frame: the "no interpolation" baseline. */
export function createRepeatInterpolator(): Interpolator {
  return {
    name: 'repeat',
    async interpolate(prev, next) {
      assertSameSize(prev, next, 'repeat');
      return { width: prev.width, height: prev.height, data: prev.data.slice() };
    },
    dispose() {},
  };
}

/**
 * Per-pixel mean of the two frames, rounded half up: `(a + b + 1) >> 1`.
 * This rounding reproduces the reference blend figures of the metrics issue.
 */
export function blendFrames(prev: Frame, next: Frame): Frame {
  assertSameSize(prev, next, 'blend');
  const out = new Uint8Array(prev.data.length);
  const a = prev.data;
  const b = next.data;
  for (let i = 0; i < out.length; i++) {
    out[i] = (a[i] + b[i] + 1) >> 1;
  }
  return { width: prev.width, height: prev.height, data: out };
}

/** Blends the two frames: the "linear in time" baseline. */
export function createBlendInterpolator(): Interpolator {
  return {
    name: 'blend',
    async interpolate(prev, next) {
      return blendFrames(prev, next);
    },
    dispose() {},
  };
}
