import { existsSync, statSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

import { InputMissingError } from '../errors.ts';
import type { Frame } from '../image/frame.ts';
import { readPng } from '../image/png-io.ts';
import { getLogger } from '../util/logger.ts';
import { NotAVideoError } from './errors.ts';
import {
  decodeRgb,
  probeVideo,
  type FrameRate,
  type VideoInfo,
} from './ffmpeg.ts';
import { describeCountMismatch, describeFilledGaps } from './frame-count.ts';
import { splitRawFrames } from './raw-frames.ts';

/** Frame rate assumed for a folder of frames unless the caller gives one. */
export const DEFAULT_FOLDER_FPS: FrameRate = { num: 24, den: 1 };

/** A sequence of frames read one at a time: a video file or PNG folder. */
export interface FrameSource {
  kind: 'video' | 'frames';
  path: string;
  width: number;
  height: number;
  fps: FrameRate;
  /**
   * Exact for folders; for videos, what the container lists or the
   * duration implies (an estimate).
   */
  frameCount: number;
  /** ffprobe's view of the file; absent for folders. */
  video?: VideoInfo;
  /** Streams the frames in order; memory does not grow with length. */
  frames(options?: { maxFrames?: number }): AsyncGenerator<Frame>;
}

/** True when `path` is a folder holding at least one PNG file. */
export async function listPngFrames(path: string): Promise<string[]> {
  const names = await readdir(path);
  return names
    .filter((n) => extname(n).toLowerCase() === '.png')
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .map((n) => join(path, n));
}

/** Options of {@link openFrameSource}. */
export interface FrameSourceOptions {
  /** Frame rate of a folder of PNG frames; default 24. */
  folderFps?: FrameRate;
  /**
   * What the frames become, as the frame-count warning names it
   * ("... so the output lasts N s instead of M s"); default
   * `the video read`.
   */
  product?: string;
}

/**
 * Opens a video file or a folder of PNG frames. Video frames are read as
 * stored, whatever the display rotation (`video.rotation`). A video of
 * variable frame rate is read at its nominal rate with frames repeated
 * into the gaps (see `planFrameCount`), which is logged as a warning; so
 * is a full read that gives a number of frames the duration does not
 * imply.
 */
export async function openFrameSource(
  path: string,
  options: FrameSourceOptions = {},
): Promise<FrameSource> {
  if (!existsSync(path)) {
    throw new InputMissingError(path);
  }
  if (statSync(path).isDirectory()) {
    return openFolder(path, options.folderFps ?? DEFAULT_FOLDER_FPS);
  }
  const video = await probeVideo(path);
  if (video.plan.fillGaps) {
    getLogger().warn(describeFilledGaps(video));
  }
  const product = options.product ?? 'the video read';
  return {
    kind: 'video',
    path,
    width: video.width,
    height: video.height,
    fps: video.fps,
    frameCount: video.frameCount,
    video,
    frames: (opts = {}) => decodeVideo(video, product, opts.maxFrames),
  };
}

async function openFolder(path: string, fps: FrameRate): Promise<FrameSource> {
  let files: string[];
  try {
    files = await listPngFrames(path);
  } catch (err) {
    throw new NotAVideoError(path, `could not be listed (${(err as Error).message})`);
  }
  if (files.length === 0) {
    throw new NotAVideoError(path, 'is a folder with no PNG frames');
  }
  const first = await readPng(files[0]);
  async function* frames(opts: { maxFrames?: number } = {}) {
    const count = Math.min(files.length, opts.maxFrames ?? Infinity);
    for (let i = 0; i < count; i++) {
      const frame = i === 0 ? first : await readPng(files[i]);
      if (frame.width !== first.width || frame.height !== first.height) {
        throw new NotAVideoError(
          path,
          `has frames of different sizes (${files[i]} is ` +
            `${frame.width}x${frame.height}, the first is ` +
            `${first.width}x${first.height})`,
          'give it frames of one size',
        );
      }
      yield frame;
    }
  }
  return {
    kind: 'frames',
    path,
    width: first.width,
    height: first.height,
    fps,
    frameCount: files.length,
    frames,
  };
}

async function* decodeVideo(
  video: VideoInfo,
  product: string,
  maxFrames?: number,
): AsyncGenerator<Frame> {
  const run = decodeRgb(video.path, {
    maxFrames,
    constantRate: video.plan.fillGaps ? video.fps : undefined,
  });
  let finished = false;
  let decoded = 0;
  try {
    for await (const frame of splitRawFrames(
      run.stdout, video.width, video.height)) {
      decoded++;
      yield frame;
    }
    await run.done;
    finished = true;
  } finally {
    if (!finished) {
      run.kill();
      await run.done.catch(() => undefined);
    }
  }

  // Only a read of the whole stream says how long it is.
  if (maxFrames === undefined || decoded < maxFrames) {
    const mismatch = describeCountMismatch(video, decoded, product);
    if (mismatch) {
      getLogger().warn(mismatch);
    }
  }
}
