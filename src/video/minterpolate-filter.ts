/**
 * ffmpeg's motion-compensated interpolation (`minterpolate`) as an
 * up-conversion method: the whole stream goes through one filter process,
 * and the result is padded or trimmed to exactly `factor * N` frames.
 */
import { once } from 'node:events';
import { PassThrough } from 'node:stream';

import type { Frame } from '../image/frame.ts';
import { filterRgb, type FrameRate } from './ffmpeg.ts';
import type { FrameSource } from './frame-source.ts';
import { splitRawFrames } from './raw-frames.ts';
import type { SceneCutOptions } from './scene-cut.ts';
import {
  createCutDetector,
  createStats,
  multiplyRate,
  type UpconvertFactor,
  type UpconvertStats,
} from './upconvert-frames.ts';

/**
 * The filter chain that makes `fpsOut` frames per second from frames of
 * `width` x `height`, with the settings of the reference figures (issue 2,
 * as `src/models/minterpolate.ts` uses them for pairs):
 * `minterpolate=fps=<fpsOut>:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:
 * vsbmc=1`, run in yuv444p. An odd size is padded to even first and
 * cropped back after.
 */
export function minterpolateChain(
  width: number,
  height: number,
  fpsOut: FrameRate,
): string[] {
  const padded = width % 2 !== 0 || height % 2 !== 0;
  const filters: string[] = [];
  if (padded) {
    filters.push(`pad=${width + (width % 2)}:${height + (height % 2)}:0:0`);
  }
  filters.push(
    'format=yuv444p',
    `minterpolate=fps=${fpsOut.num}/${fpsOut.den}:mi_mode=mci:` +
      'mc_mode=aobmc:me_mode=bidir:vsbmc=1',
  );
  if (padded) {
    filters.push(`crop=${width}:${height}:0:0`);
  }
  return filters;
}

/** Options of {@link minterpolateStream}. */
export interface MinterpolateStreamOptions {
  factor: UpconvertFactor;
  sceneCut: SceneCutOptions;
  /** Updated as frames are read; optional. */
  stats?: UpconvertStats;
}

/**
 * Up-converts `source` with ffmpeg's `minterpolate`. The input frames are
 * timed at the source's nominal rate, so the filter returns about
 * `factor * (N - 1) + 1` frames; the last one is repeated (or surplus
 * frames dropped) to give exactly `factor * N`. Across a scene cut (our
 * detector, as for the other methods) the frame at the earlier input is
 * repeated in place of the filter's frames.
 */
export async function* minterpolateStream(
  source: FrameSource,
  options: MinterpolateStreamOptions,
): AsyncGenerator<Frame> {
  const { width, height } = source;
  const { factor } = options;
  const stats = options.stats ?? createStats();
  const frameBytes = width * height * 3;
  const input = new PassThrough({ highWaterMark: frameBytes * 2 });
  const run = filterRgb(
    {
      width,
      height,
      fps: source.fps,
      filters: minterpolateChain(
        width,
        height,
        multiplyRate(source.fps, factor),
      ),
    },
    input,
  );
  // Cut flags of the input pairs not yet reached by the output; the pump
  // runs only a few frames ahead, so this queue stays short.
  const cuts: boolean[] = [];
  let stopped = false;
  const endInput = () => {
    if (!input.destroyed) {
      input.end();
    }
  };
  const pump = (async () => {
    const isCut = createCutDetector(options.sceneCut);
    for await (const frame of source.frames()) {
      if (stopped) {
        break;
      }
      const cut = isCut(frame);
      if (stats.framesIn > 0) {
        stats.sceneCuts += cut ? 1 : 0;
        cuts.push(cut);
      }
      stats.framesIn++;
      if (!input.write(frame.data)) {
        await Promise.race([once(input, 'drain'), run.done]);
      }
    }
    endInput();
  })();
  pump.catch(() => {
    // Reported by `await pump` below; this only stops ffmpeg waiting.
    endInput();
  });

  let produced = 0;
  let anchor: Frame | undefined;
  let finished = false;
  try {
    for await (const { data } of splitRawFrames(run.stdout, width, height)) {
      // Frames past factor x (frames read) can only come at the end of
      // the stream, once every input frame has been read: drop them.
      if (produced >= factor * stats.framesIn) {
        continue;
      }
      const phase = produced % factor;
      if (phase === 0) {
        anchor = { width, height, data };
        if (produced > 0) {
          cuts.shift();
        }
      }
      produced++;
      yield phase !== 0 && cuts[0] === true && anchor
        ? anchor
        : { width, height, data };
    }
    await pump;
    await run.done;
    finished = true;
  } finally {
    if (!finished) {
      stopped = true;
      run.kill();
      input.destroy();
      await run.done.catch(() => undefined);
      await pump.catch(() => undefined);
    }
  }

  // The filter stops at the last input frame's time: repeat that frame.
  for (; produced < factor * stats.framesIn && anchor; produced++) {
    yield anchor;
  }
}
