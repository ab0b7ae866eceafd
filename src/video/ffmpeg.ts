/**
 * The one module that runs ffmpeg (`probe.ts` runs ffprobe). Commands are
 * built with fluent-ffmpeg (upstream is archived), so everything else in
 * the project goes through the functions here and the library stays
 * replaceable.
 */
import { PassThrough, type Readable } from 'node:stream';

import ffmpeg from 'fluent-ffmpeg';

import { FfmpegFailedError, OutputDiskFullError } from './errors.ts';
import { getToolPath } from './ffmpeg-paths.ts';
import type { FrameRate } from './frame-rate.ts';

export {
  fpsValue,
  parseFrameRate,
  rateText,
  type FrameRate,
} from './frame-rate.ts';
export { probeVideo } from './probe.ts';
export type { ExtraStream, VideoInfo } from './video-info.ts';

function configured(): ffmpeg.FfmpegCommand {
  const command = ffmpeg();
  command.setFfmpegPath(getToolPath('ffmpeg'));
  command.setFfprobePath(getToolPath('ffprobe'));
  return command;
}

/** A command whose first input is packed rgb24 frames on a pipe. */
function rawRgbInput(
  source: Readable,
  width: number,
  height: number,
  fps: FrameRate,
): ffmpeg.FfmpegCommand {
  return configured()
    .input(source)
    .inputFormat('rawvideo')
    .inputOptions([
      '-pix_fmt rgb24',
      `-s ${width}x${height}`,
      `-framerate ${fps.num}/${fps.den}`,
    ]);
}

/** A running ffmpeg process with its stdout and a promise of its end. */
export interface FfmpegRun {
  stdout: Readable;
  done: Promise<void>;
  kill(): void;
}

/** Options for decoding a video's first video stream to raw RGB. */
export interface DecodeOptions {
  /** Extra filters applied before the conversion to RGB (e.g. `scale`). */
  filters?: string[];
  /** Stop after this many frames. */
  maxFrames?: number;
  /**
   * Output frames at this constant rate, repeating (or dropping) frames
   * where the timestamps say (`-vsync cfr`); for variable-rate input.
   */
  constantRate?: FrameRate;
}

/**
 * Decodes the first video stream of `path` to packed rgb24 on a pipe, one
 * frame after another: by default every decoded frame once (no
 * duplication). Frames keep their stored size and orientation
 * (`-noautorotate`): a display rotation is metadata the caller carries.
 */
export function decodeRgb(
  path: string,
  options: DecodeOptions = {},
): FfmpegRun {
  const command = configured().input(path).inputOptions('-noautorotate');
  const rate = options.constantRate;
  const outputOptions = [
    '-map 0:v:0',
    ...(rate ? ['-vsync cfr', `-r ${rate.num}/${rate.den}`] : ['-vsync 0']),
    '-an',
    '-sn',
  ];
  if (options.filters && options.filters.length > 0) {
    outputOptions.push(`-vf ${options.filters.join(',')}`);
  }
  if (options.maxFrames !== undefined) {
    outputOptions.push(`-frames:v ${options.maxFrames}`);
  }
  command
    .outputOptions(outputOptions)
    .format('rawvideo')
    .outputOptions('-pix_fmt rgb24');
  return startPiped(command, `decoding ${path}`);
}

/** Options for running raw RGB frames through ffmpeg filters. */
export interface FilterRgbOptions {
  /** Size of the frames written to the input pipe. */
  width: number;
  height: number;
  /** Rate the input frames are timed at (constant). */
  fps: FrameRate;
  /** Filter chain, e.g. `['minterpolate=fps=60']`; at least one filter. */
  filters: string[];
}

/**
 * Runs packed rgb24 frames arriving on `source` through `filters` and emits
 * the filtered frames as packed rgb24 on `stdout`, every output frame once
 * (no duplication or dropping by ffmpeg). The caller must keep reading
 * `stdout` while it writes to `source`.
 */
export function filterRgb(
  options: FilterRgbOptions,
  source: Readable,
): FfmpegRun {
  const { width, height, fps } = options;
  const command = rawRgbInput(source, width, height, fps)
    .outputOptions([
      '-map 0:v:0',
      '-vsync 0',
      `-vf ${options.filters.join(',')}`,
    ])
    .format('rawvideo')
    .outputOptions('-pix_fmt rgb24');
  const names = options.filters.map((f) => f.split('=')[0]).join(',');
  return startPiped(command, `filtering frames (${names})`);
}

/** Options for encoding raw RGB frames arriving on a pipe. */
export interface EncodeOptions {
  width: number;
  height: number;
  fps: FrameRate;
  /** Output path; its extension chooses the container. */
  outPath: string;
  /** Copy every audio and subtitle stream of this file, unchanged. */
  copyStreamsFrom?: string;
  /** x264 constant rate factor; lower is better quality. */
  crf?: number;
  /** Format name when the extension does not say it (temporary names). */
  format?: string;
  /** The path messages name, when `outPath` is a temporary name for it. */
  shownPath?: string;
}

/** A running encoder: it ends when its source stream ends. */
export interface FfmpegEncoder {
  done: Promise<void>;
  kill(): void;
}

/**
 * Starts ffmpeg encoding rgb24 frames from a pipe to H.264. Odd sizes are
 * encoded as 4:4:4 since 4:2:0 needs even dimensions.
 */
export function encodeRgb(
  options: EncodeOptions,
  source: Readable,
): FfmpegEncoder {
  const { width, height, fps } = options;
  const command = rawRgbInput(source, width, height, fps);
  const outputOptions = ['-map 0:v:0'];
  if (options.copyStreamsFrom) {
    command.input(options.copyStreamsFrom);
    outputOptions.push('-map 1:a?', '-map 1:s?', '-c:a copy', '-c:s copy');
  }
  const even = width % 2 === 0 && height % 2 === 0;
  outputOptions.push(
    '-c:v libx264',
    `-crf ${options.crf ?? 18}`,
    '-preset veryfast',
    `-pix_fmt ${even ? 'yuv420p' : 'yuv444p'}`,
    `-r ${fps.num}/${fps.den}`,
  );
  command.outputOptions(outputOptions).output(options.outPath);
  if (options.format) {
    command.format(options.format);
  }
  const kill = killer(command);
  const done = runCommand(command,
    `encoding ${options.shownPath ?? options.outPath}`);
  // Awaited by the sink; see startPiped.
  done.catch(() => undefined);
  return { done, kill };
}

/** Runs an ffmpeg command with explicit arguments to a file output. */
export function runFfmpeg(
  what: string,
  inputs: { path: string; options?: string[] }[],
  outputOptions: string[],
  outPath: string,
  format?: string,
): Promise<void> {
  const command = configured();
  for (const input of inputs) {
    command.input(input.path);
    if (input.options) {
      command.inputOptions(input.options);
    }
  }
  command.outputOptions(outputOptions).output(outPath);
  if (format) {
    command.format(format);
  }
  return runCommand(command, what);
}

/**
 * The most telling part of ffmpeg's stderr: lines that report an error
 * when there are any, else the last lines.
 */
function describeFailure(stderr: string | null, fallback: string): string {
  const lines = (stderr ?? '').split('\n').map((l) => l.trim())
    .filter((l) => l !== '');
  const errors = lines.filter((l) =>
    /error|invalid|could not|unable|not supported|no such|failed/i.test(l));
  // ffmpeg ends most failures with these two; the cause comes before.
  const specific = errors.filter((l) =>
    !/^(conversion failed!?|error initializing output stream.*)$/i.test(l));
  const picked = (specific.length > 0 ? specific : errors.length > 0
    ? errors
    : lines).slice(-2);
  return picked.length > 0 ? picked.join(' | ') : fallback;
}

/**
 * The line of ffmpeg's stderr that says its output could not be written,
 * if any. ffmpeg exits 0 when only the trailer failed (Matroska on a full
 * disk), so a run that ended is checked for it too.
 */
export function findWriteFailure(stderr: string | null): string | undefined {
  return (stderr ?? '').split('\n').map((l) => l.trim()).find((l) =>
    /error writing trailer|no space left on device|disk quota exceeded/i
      .test(l));
}

/** The error for a write failure that `stderr` reports, if any; a full
 * disk is named as such. */
function writeFailureError(what: string, stderr: string | null):
  Error | undefined {
  const line = findWriteFailure(stderr);
  if (line === undefined) {
    return undefined;
  }
  return /no space left|quota/i.test(line)
    ? new OutputDiskFullError(what)
    : new FfmpegFailedError(what, line);
}

function runCommand(command: ffmpeg.FfmpegCommand, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    command
      .on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
        reject(writeFailureError(what, stderr) ??
          new FfmpegFailedError(what, describeFailure(stderr, err.message)));
      })
      .on('end', (_stdout: string | null, stderr: string | null) => {
        const failed = writeFailureError(what, stderr);
        if (failed) {
          reject(failed);
        } else {
          resolve();
        }
      })
      .run();
  });
}

/**
 * Returns a kill function that works at any time: fluent-ffmpeg spawns the
 * process only after checking codecs, and its own kill() does nothing
 * before that, so an early kill is remembered and done on 'start'.
 */
function killer(command: ffmpeg.FfmpegCommand): () => void {
  let started = false;
  let wanted = false;
  command.on('start', () => {
    started = true;
    if (wanted) {
      command.kill('SIGKILL');
    }
  });
  return () => {
    wanted = true;
    if (started) {
      command.kill('SIGKILL');
    }
  };
}

function startPiped(command: ffmpeg.FfmpegCommand, what: string): FfmpegRun {
  const kill = killer(command);
  let killed = false;
  // fluent-ffmpeg reports "Output stream closed" as a failure when the
  // output stream closes more than 20 ms before ffmpeg's exit is seen,
  // which happens on a loaded machine. A stream that never auto-closes
  // leaves the verdict to ffmpeg's exit status.
  const stdout = new PassThrough({ autoDestroy: false });
  const done = new Promise<void>((resolve, reject) => {
    command
      .on('error', (err: Error, _out: string | null, stderr: string | null) => {
        if (killed) {
          resolve();
        } else {
          reject(new FfmpegFailedError(what,
            describeFailure(stderr, err.message)));
        }
      })
      .on('end', () => resolve());
    command.pipe(stdout, { end: true });
  });
  // Awaited by the reader; this only keeps a failure that arrives after
  // the reader has stopped from crashing the process as unhandled.
  done.catch(() => undefined);
  return {
    stdout,
    done,
    kill: () => {
      killed = true;
      kill();
    },
  };
}
