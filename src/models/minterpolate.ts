/**
 * ffmpeg's motion-compensated `minterpolate` filter as an Interpolator, run
 * once per frame pair through pipes. It is the strongest classical baseline
 * the project compares models against.
 */
import { Readable } from 'node:stream';

import { assertSameSize, type Frame } from '../image/frame.ts';
import { FfmpegFailedError } from '../video/errors.ts';
import { filterRgb } from '../video/ffmpeg.ts';
import { minterpolateChain } from '../video/minterpolate-filter.ts';
import type { Interpolator } from './interpolator.ts';

/**
 * The filter chain for one `width` x `height` pair: the settings of the
 * reference figures (issue 2) at 2 fps from 1 fps input, in yuv444p, with
 * odd sizes padded to even and cropped back.
 */
export function minterpolateFilters(width: number, height: number): string[] {
  return minterpolateChain(width, height, { num: 2, den: 1 });
}

/**
 * Predicts the middle frame as the reference recipe does: frames `prev`,
 * `next`, `next` at 1 fps go into minterpolate at 2 fps, and the second
 * output frame (t = 0.5 s) is the prediction. The repeated `next` gives the
 * filter the look-ahead it needs to emit that frame.
 */
export async function minterpolatePair(prev: Frame, next: Frame): Promise<Frame> {
  assertSameSize(prev, next, 'minterpolate');
  const { width, height } = prev;
  const frameBytes = width * height * 3;
  const input = Readable.from([prev.data, next.data, next.data].map(
    (data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  ));

  const run = filterRgb({
    width,
    height,
    fps: { num: 1, den: 1 },
    filters: minterpolateFilters(width, height),
  }, input);
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of run.stdout) {
    chunks.push(chunk as Buffer);
    received += (chunk as Buffer).length;
  }
  await run.done;

  if (received < 2 * frameBytes) {
    throw new FfmpegFailedError(
      'interpolating with minterpolate',
      `expected at least 2 output frames but got ${received / frameBytes}`,
    );
  }
  const all = Buffer.concat(chunks, received);
  const data = new Uint8Array(frameBytes);
  data.set(all.subarray(frameBytes, 2 * frameBytes));
  return { width, height, data };
}

/** The minterpolate baseline; each call starts one short ffmpeg run. */
export function createMinterpolateInterpolator(): Interpolator {
  return {
    name: 'minterpolate',
    interpolate: minterpolatePair,
    dispose() {},
  };
}
