import type { Frame } from '../image/frame.ts';

/**
 * Anything that predicts the frame midway between two frames: a trained
 * model or a baseline. Used by `upconvert`, `eval` and `demo` alike.
 */
export interface Interpolator {
  /** Short name shown in reports, e.g. `blend` or `model:default`. */
  readonly name: string;
  /**
   * Predicts the middle frame.
   * @param prev Earlier frame, RGB 8-bit.
   * @param next Later frame, same size as `prev`.
   * @returns The middle frame, same size as the inputs.
   */
  interpolate(prev: Frame, next: Frame): Promise<Frame>;
  /**
   * How many `interpolate` calls it can usefully run at once (worker
   * threads); callers that stream frames keep up to twice that many in
   * flight, so that no thread waits for work. Default 1.
   */
  readonly concurrency?: number;
  /** Frees tensors or processes held by the interpolator. */
  dispose(): void;
}
