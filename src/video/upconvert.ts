/**
 * `fruc upconvert`: multiplies a video's frame rate by 2, 4 or 8. Frames
 * stream from the input through the chosen method into the output; the
 * output has exactly factor x N frames at exactly factor x the input rate,
 * so it lasts as long as the input, and keeps the input's audio and
 * subtitles untouched.
 */
import type { Frame } from '../image/frame.ts';
import type { Interpolator } from '../models/interpolator.ts';
import { checkDestination } from '../util/atomic.ts';
import { getLogger } from '../util/logger.ts';
import { createProgress } from '../util/progress.ts';
import { FfmpegFailedError, NotAVideoError } from './errors.ts';
import { fpsValue, rateText, type FrameRate } from './frame-rate.ts';
import {
  canRecordRotation,
  isFolderOutput,
  openFrameSink,
  type FrameSink,
} from './frame-sink.ts';
import { openFrameSource, type FrameSource } from './frame-source.ts';
import { minterpolateStream } from './minterpolate-filter.ts';
import { checkOutputIsNotInput } from './same-file.ts';
import { DEFAULT_SCENE_CUT, type SceneCutOptions } from './scene-cut.ts';
import { streamCopyError } from './stream-copy-advice.ts';
import {
  createStats,
  interpolateStream,
  multiplyRate,
  type UpconvertFactor,
  type UpconvertStats,
} from './upconvert-frames.ts';

/** Options of {@link upconvert}. */
export interface UpconvertOptions {
  /** Output frames per input frame: 2, 4 or 8. */
  factor: UpconvertFactor;
  /**
   * How in-between frames are made: an interpolator (a model, `blend`,
   * `repeat`), used by repeated midpoints, or ffmpeg's `minterpolate`.
   */
  method: Interpolator | 'minterpolate';
  /** Scene-cut detection; default threshold 0.5 (see `isSceneCut`). */
  sceneCut?: SceneCutOptions;
  /** Replace an existing output. Default false. */
  overwrite?: boolean;
  /** Frame rate of a folder of PNG frames. Default 24. */
  folderFps?: FrameRate;
  /** Show a progress bar on stderr (only drawn on a terminal). Default true. */
  progress?: boolean;
  /**
   * The input as {@link openUpconvertSource} opened it, for a caller that
   * opened it first (to refuse a bad input early) and need not probe it
   * twice. Opened here if absent.
   */
  source?: FrameSource;
}

/** What one run did; `formatSummary` turns it into the CLI's last line. */
export interface UpconvertResult {
  input: string;
  output: string;
  /** `minterpolate` or the interpolator's name. */
  method: string;
  factor: UpconvertFactor;
  width: number;
  height: number;
  framesIn: number;
  framesOut: number;
  fpsIn: FrameRate;
  fpsOut: FrameRate;
  /** Length of input and output in seconds: framesIn / fpsIn. */
  durationSec: number;
  /** Input pairs across which the earlier frame was repeated. */
  sceneCuts: number;
  /** Wall-clock time of the whole run in seconds. */
  wallSec: number;
}

function frameStream(
  source: FrameSource,
  options: UpconvertOptions,
  stats: UpconvertStats,
): AsyncGenerator<Frame> {
  const sceneCut = options.sceneCut ?? DEFAULT_SCENE_CUT;
  if (options.method === 'minterpolate') {
    return minterpolateStream(source, {
      factor: options.factor,
      sceneCut,
      stats,
    });
  }
  return interpolateStream(source.frames(), {
    interpolator: options.method,
    factor: options.factor,
    sceneCut,
    stats,
  });
}

/** Opens `inPath` as {@link upconvert} reads it (folders at `folderFps`). */
export function openUpconvertSource(
  inPath: string,
  folderFps?: FrameRate,
): Promise<FrameSource> {
  return openFrameSource(inPath, { folderFps, product: 'the output' });
}

/**
 * Up-converts `inPath` (a video file or a folder of PNG frames) into
 * `outPath` (a video file, or a folder of PNG frames when the path has no
 * extension). The output is written under a temporary name and renamed
 * when complete; on any failure, or Ctrl-C, nothing is left behind. An
 * output that is the input itself is refused. Frames keep their stored
 * orientation, and a video output records the input's display rotation.
 * A variable-rate input is read with frames repeated into its gaps so
 * the output keeps its duration; a frame count that still does not fit
 * the duration is logged as a warning.
 */
export async function upconvert(
  inPath: string,
  outPath: string,
  options: UpconvertOptions,
): Promise<UpconvertResult> {
  const startedAt = performance.now();
  const logger = getLogger();
  const overwrite = options.overwrite ?? false;
  checkOutputIsNotInput(inPath, outPath);
  checkDestination(outPath.replace(/\/+$/, ''), overwrite,
    isFolderOutput(outPath) ? 'folder' : 'file');

  const source = options.source ??
    await openUpconvertSource(inPath, options.folderFps);
  const fpsOut = multiplyRate(source.fps, options.factor);
  const method = options.method === 'minterpolate'
    ? 'minterpolate'
    : options.method.name;
  const extraStreams = source.video
    ? source.video.audioStreams + source.video.subtitleStreams
    : 0;
  logger.info(
    `upconverting ${inPath} (${source.width}x${source.height}, ` +
      `~${source.frameCount} frames at ${rateText(source.fps)} fps) x` +
      `${options.factor} with ${method} to ${outPath}`,
  );
  if (extraStreams > 0 && isFolderOutput(outPath)) {
    logger.warn(
      `${inPath} has ${extraStreams} audio/subtitle stream(s); a folder of ` +
        'frames cannot hold them, so they are not copied',
    );
  }
  const rotation = source.video?.rotation ?? 0;
  if (rotation !== 0 && !canRecordRotation(outPath)) {
    logger.warn(
      `${inPath} is shown rotated by ${rotation} degrees, which ` +
        `${isFolderOutput(outPath) ? 'a folder of frames' : 'this container'}` +
        ` cannot record: its frames are written as stored ` +
        `(${source.width}x${source.height}) and show unrotated; write a ` +
        '.mp4 or .mov file to keep the rotation',
    );
  }
  const sink = await openFrameSink(outPath, {
    width: source.width,
    height: source.height,
    fps: fpsOut,
    overwrite,
    copyStreamsFrom: extraStreams > 0 ? inPath : undefined,
    rotation,
  });

  const stats = createStats();
  const progress = options.progress === false
    ? undefined
    : createProgress({ total: options.factor * source.frameCount });
  try {
    await writeAll(frameStream(source, options, stats), sink, progress);
    if (stats.framesIn === 0) {
      throw new NotAVideoError(inPath, 'has no frames ffmpeg could decode');
    }
    progress?.setTotal(sink.count);
    await sink.close();
  } catch (err) {
    await sink.abort();
    const encoding = err instanceof FfmpegFailedError &&
      err.message.startsWith('encoding ');
    if (encoding && extraStreams > 0) {
      throw streamCopyError(inPath, outPath, err,
        source.video?.extraStreams ?? []);
    }
    throw err;
  } finally {
    progress?.stop();
  }

  return {
    input: inPath,
    output: outPath,
    method,
    factor: options.factor,
    width: source.width,
    height: source.height,
    framesIn: stats.framesIn,
    framesOut: sink.count,
    fpsIn: source.fps,
    fpsOut,
    durationSec: stats.framesIn / fpsValue(source.fps),
    sceneCuts: stats.sceneCuts,
    wallSec: (performance.now() - startedAt) / 1000,
  };
}

async function writeAll(
  frames: AsyncIterable<Frame>,
  sink: FrameSink,
  progress: { increment(): void } | undefined,
): Promise<void> {
  for await (const frame of frames) {
    await sink.write(frame);
    progress?.increment();
  }
}

/**
 * One line for the end of a run, e.g. `upconverted 455 -> 910 frames,
 * 29.970 -> 59.940 fps (60000/1001), 15.18 s, method blend, 3 scene cuts,
 * 21.4 s wall, 42.5 frames/s`.
 */
export function formatSummary(result: UpconvertResult): string {
  const outRate = result.framesOut / Math.max(result.wallSec, 1e-9);
  return (
    `upconverted ${result.framesIn} -> ${result.framesOut} frames, ` +
    `${fpsValue(result.fpsIn).toFixed(3)} -> ` +
    `${fpsValue(result.fpsOut).toFixed(3)} fps (${rateText(result.fpsOut)}), ` +
    `${result.durationSec.toFixed(2)} s, method ${result.method}, ` +
    `${result.sceneCuts} scene cuts, ${result.wallSec.toFixed(1)} s wall, ` +
    `${outRate.toFixed(1)} frames/s`
  );
}
