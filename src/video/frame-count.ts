/**
 * Frame counts of a video stream: how many frames its duration implies at
 * its nominal rate, whether the container holds that many (a variable
 * frame rate holds fewer), and the warnings fruc gives when decoding
 * yields a different number, since the output would then last a
 * different time than the input (and its copied audio).
 */
import { fpsValue, rateText, type FrameRate } from './frame-rate.ts';

/**
 * Frames by which a count may differ from duration x rate in a
 * constant-rate stream: containers round durations, and a last frame's
 * duration or an undecodable first frame shifts the count by one.
 */
export const FRAME_COUNT_TOLERANCE = 2;

/**
 * Largest factor by which repeating frames may multiply the frames of a
 * variable-rate stream. Past it the nominal rate is more likely a time
 * base than a frame rate, so frames are decoded as they are (and the
 * count warning says what that does to the duration).
 */
export const MAX_FILL_RATIO = 8;

/** How a stream's frames are to be read, from what its container says. */
export interface FrameCountPlan {
  /** `round(durationSec x fps)`; 0 when the duration is unknown. */
  expectedFrames: number;
  /** The container's count is off `expectedFrames` by over the tolerance. */
  variableRate: boolean;
  /**
   * Decode at a constant `fps`, repeating frames into gaps between
   * timestamps, so the frames last as long as the stream: set for a
   * variable rate up to {@link MAX_FILL_RATIO}.
   */
  fillGaps: boolean;
  /** Frames decoding gives: expected when filling, else the container's. */
  frameCount: number;
}

/**
 * Plans the decoding of a stream whose container lists `containerFrames`
 * frames (undefined when it does not say) over `durationSec` at `fps`.
 */
export function planFrameCount(
  containerFrames: number | undefined,
  durationSec: number,
  fps: FrameRate,
): FrameCountPlan {
  const expectedFrames = Math.round(durationSec * fpsValue(fps));
  const variableRate = containerFrames !== undefined && expectedFrames > 0 &&
    Math.abs(containerFrames - expectedFrames) > FRAME_COUNT_TOLERANCE;
  const fillGaps = variableRate && containerFrames !== undefined &&
    containerFrames > 0 && expectedFrames > containerFrames &&
    expectedFrames <= MAX_FILL_RATIO * containerFrames;
  return {
    expectedFrames,
    variableRate,
    fillGaps,
    frameCount: fillGaps
      ? expectedFrames
      : containerFrames ?? expectedFrames,
  };
}

/** The parts of a probed stream the warnings below name. */
export interface CountedStream {
  path: string;
  fps: FrameRate;
  durationSec: number;
  containerFrames?: number;
  plan: FrameCountPlan;
}

/**
 * The warning for a stream decoded with gaps filled, given before
 * decoding so the user knows the output holds repeated frames.
 */
export function describeFilledGaps(stream: CountedStream): string {
  return (
    `${stream.path} has a variable frame rate: ${stream.containerFrames} ` +
    `frames over ${stream.durationSec.toFixed(2)} s, where ` +
    `${rateText(stream.fps)} fps implies ${stream.plan.expectedFrames}; ` +
    'frames are repeated into the gaps so that it keeps its duration'
  );
}

/**
 * The warning for a stream that decoded to `decoded` frames where its
 * duration implies a number further off than the tolerance, or
 * undefined when the count is fine (or the duration unknown). `product`
 * names what the frames become: `the output lasts N s instead of M s`.
 */
export function describeCountMismatch(
  stream: CountedStream,
  decoded: number,
  product: string,
): string | undefined {
  const expected = stream.plan.expectedFrames;
  if (expected === 0 || Math.abs(decoded - expected) <= FRAME_COUNT_TOLERANCE) {
    return undefined;
  }
  const filled = stream.plan.fillGaps ? ' with gaps filled' : '';
  const lasts = decoded / fpsValue(stream.fps);
  return (
    `${stream.path} has a variable frame rate or frames that could not be ` +
    `decoded: ${expected} frames expected (${stream.durationSec.toFixed(2)} ` +
    `s at ${rateText(stream.fps)} fps) but ${decoded} decoded${filled}, so ` +
    `${product} lasts ${lasts.toFixed(2)} s instead of ` +
    `${stream.durationSec.toFixed(2)} s`
  );
}
