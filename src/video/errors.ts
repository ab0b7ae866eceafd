import { FrucError } from '../errors.ts';

/** ffmpeg or ffprobe could not be found or started. */
export class FfmpegMissingError extends FrucError {
  constructor(tool: string) {
    super(
      'FRUC_FFMPEG_MISSING',
      `${tool} was not found; run npm ci, install it on PATH, or set ` +
        `${tool.toUpperCase()}_PATH to its binary.`,
      3,
    );
    this.name = 'FfmpegMissingError';
  }
}

/** ffmpeg or ffprobe exists but this user may not run it. */
export class FfmpegNotRunnableError extends FrucError {
  constructor(tool: string, path: string) {
    super(
      'FRUC_FFMPEG_NOT_RUNNABLE',
      `${tool} at ${path} cannot be run (no execute permission); make it ` +
        `executable (chmod a+x) or set ${tool.toUpperCase()}_PATH to ` +
        'another binary.',
      3,
    );
    this.name = 'FfmpegNotRunnableError';
  }
}

/** ffmpeg ran and failed. */
export class FfmpegFailedError extends FrucError {
  constructor(what: string, detail: string) {
    super('FRUC_FFMPEG_FAILED', `${what}: ffmpeg failed: ${detail}`, 3);
    this.name = 'FfmpegFailedError';
  }
}

/** ffmpeg could not write its output: the disk is full (or over quota). */
export class OutputDiskFullError extends FrucError {
  constructor(what: string) {
    super(
      'FRUC_DISK_FULL',
      `${what}: no space left on the device; free some space or choose ` +
        'another disk.',
      3,
    );
    this.name = 'OutputDiskFullError';
  }
}

/** The input is not a video ffmpeg can read, or has no video stream;
 * `todo` replaces the default advice where a better one is known. */
export class NotAVideoError extends FrucError {
  constructor(
    path: string,
    reason: string,
    todo = 'give a video file (mp4, avi, mkv, ...) or a folder of PNG frames',
  ) {
    super('FRUC_NOT_A_VIDEO', `${path} ${reason}; ${todo}.`, 2);
    this.name = 'NotAVideoError';
  }
}

/**
 * Encoding failed while the input's audio and subtitle streams were being
 * copied; the usual cause is a container that cannot hold their codecs.
 * `what` names the refused stream where ffmpeg said which, `advice`
 * fits the output's container (see `streamCopyError`).
 */
export class StreamCopyError extends FrucError {
  constructor(outPath: string, what: string, detail: string, advice: string) {
    super(
      'FRUC_STREAM_COPY_FAILED',
      `${outPath} could not be written with the input's audio and ` +
        `subtitle streams copied unchanged: ${what} (${detail}); ${advice}`,
      3,
    );
    this.name = 'StreamCopyError';
  }
}

/**
 * The output path names the input itself (through another relative path,
 * a symbolic or a hard link) or a folder holding it: writing the output
 * would replace or delete the source.
 */
export class OutputIsInputError extends FrucError {
  constructor(output: string, input: string, holds: boolean) {
    super(
      'FRUC_OUTPUT_IS_INPUT',
      `${output} ${holds ? 'holds' : 'is'} the input ${input}; writing ` +
        'there would destroy the source, even with --overwrite, so choose ' +
        'another output path.',
      2,
    );
    this.name = 'OutputIsInputError';
  }
}
