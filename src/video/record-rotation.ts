/**
 * Records a display rotation on a finished video file. The encoder cannot
 * take it (ffmpeg drops the `rotate` tag of a stream it encodes), so the
 * file is remuxed, every stream copied, with the rotation set.
 */
import { rename, rm } from 'node:fs/promises';

import { removeOnInterrupt } from '../util/interrupt.ts';
import { FfmpegFailedError } from './errors.ts';
import { probeVideo, runFfmpeg } from './ffmpeg.ts';
import { normalizeRotation } from './rotation.ts';

/**
 * The ways tried, in order, to give an encoded stream a rotation. ffmpeg
 * builds disagree: the bundled 2018 build records the `rotate` tag given
 * to its mp4 muxer as a counterclockwise angle while others take it as
 * clockwise, and ffmpeg 6 and later want `-display_rotation` on the
 * input instead. Each result is checked with ffprobe.
 */
function attempts(degrees: number): { input: string[]; output: string[] }[] {
  const tag = (angle: number) =>
    [`-metadata:s:v:0 rotate=${normalizeRotation(angle)}`];
  const display = (angle: number) => [`-display_rotation:v:0 ${angle}`];
  return [
    { input: [], output: tag(degrees) },
    { input: [], output: tag(-degrees) },
    { input: display(degrees), output: [] },
    { input: display(-degrees), output: [] },
  ];
}

/**
 * Rewrites the video file `path` (container `format`, e.g. `mp4`) with
 * every stream copied unchanged and a display rotation of `degrees`
 * counterclockwise. Returns false, leaving `path` as it was, when this
 * ffmpeg cannot record it.
 */
export async function recordRotation(
  path: string,
  format: string,
  degrees: number,
): Promise<boolean> {
  const staged = `${path}.rotated`;
  const forget = removeOnInterrupt(staged);
  try {
    for (const { input, output } of attempts(degrees)) {
      try {
        await runFfmpeg(
          `recording a rotation of ${degrees} degrees`,
          [{ path, options: input }],
          ['-map 0', '-c copy', ...output],
          staged,
          format,
        );
      } catch (err) {
        // An option this build does not know; the next attempt may work.
        if (err instanceof FfmpegFailedError) {
          continue;
        }
        throw err;
      }
      if ((await probeVideo(staged)).rotation === normalizeRotation(degrees)) {
        await rename(staged, path);
        return true;
      }
    }
    return false;
  } finally {
    await rm(staged, { force: true });
    forget();
  }
}
