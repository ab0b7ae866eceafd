/**
 * The video protocol: drop every other frame of a video (or PNG frame
 * folder), rebuild each dropped frame from its two neighbours and compare it
 * with the original. Gives ground truth for any clip.
 */
import type { Frame } from '../image/frame.ts';
import type { FrameSource } from '../video/frame-source.ts';
import { TooFewFramesError } from './errors.ts';

/** One evaluation sample: two input frames and the true middle frame. */
export interface EvalSample {
  /** Stable name within its dataset (sequence, folder or frame index). */
  id: string;
  prev: Frame;
  /** Ground truth. */
  gt: Frame;
  next: Frame;
}

/** Name of the sample whose ground truth is frame `index` (0-based). */
export function videoSampleId(index: number): string {
  return `frame-${String(index).padStart(6, '0')}`;
}

/**
 * Streams the samples of the video protocol: sample `k` has prev =
 * `f[2k]`, gt = `f[2k+1]`, next = `f[2k+2]`, so consecutive samples share
 * an end frame and no ground-truth frame is ever an input. Holds at most
 * three frames at a time; decoding stops after `maxSamples` samples.
 *
 * @throws TooFewFramesError when the source has fewer than 3 frames.
 */
export async function* videoProtocolSamples(
  source: FrameSource,
  maxSamples = Infinity,
): AsyncGenerator<EvalSample> {
  const maxFrames = Number.isFinite(maxSamples)
    ? 2 * maxSamples + 1
    : undefined;
  let prev: Frame | undefined;
  let gt: Frame | undefined;
  let index = 0;
  let produced = 0;
  for await (const frame of source.frames({ maxFrames })) {
    if (index % 2 === 0) {
      if (prev && gt) {
        yield { id: videoSampleId(index - 1), prev, gt, next: frame };
        produced++;
      }
      prev = frame;
      gt = undefined;
    } else {
      gt = frame;
    }
    index++;
    if (produced >= maxSamples) {
      break;
    }
  }
  if (produced === 0 && index < 3) {
    throw new TooFewFramesError(source.path, index);
  }
}
