import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { once } from 'node:events';

import { UsageError } from '../errors.ts';
import type { Frame } from '../image/frame.ts';
import { encodePng } from '../image/png-io.ts';
import {
  checkDestination,
  markOutputFolder,
  tempPathFor,
} from '../util/atomic.ts';
import { removeOnInterrupt } from '../util/interrupt.ts';
import { getLogger } from '../util/logger.ts';
import { encodeRgb, type FrameRate } from './ffmpeg.ts';
import { recordRotation } from './record-rotation.ts';

/** Where frames go: a video file or a folder of PNG files. */
export interface FrameSink {
  /** Appends one frame; waits when the encoder is behind. */
  write(frame: Frame): Promise<void>;
  /** Finishes the output and moves it to its final path. */
  close(): Promise<void>;
  /** Stops and removes everything written so far. */
  abort(): Promise<void>;
  /** Frames written so far. */
  readonly count: number;
}

export interface SinkOptions {
  width: number;
  height: number;
  fps: FrameRate;
  overwrite: boolean;
  /** For video outputs: copy audio and subtitle streams from this file. */
  copyStreamsFrom?: string;
  /**
   * For .mp4, .m4v and .mov outputs: display rotation in degrees
   * counterclockwise to record, as the input's (frames are written as
   * given). Other outputs cannot record it; see {@link canRecordRotation}.
   */
  rotation?: number;
}

/** A path without an extension is a folder of frames; otherwise a video. */
export function isFolderOutput(path: string): boolean {
  return extname(path) === '' || path.endsWith('/');
}

const CONTAINERS: Record<string, string> = {
  '.mp4': 'mp4',
  '.m4v': 'mp4',
  '.mov': 'mov',
  '.mkv': 'matroska',
  '.avi': 'avi',
};

/** Containers in which fruc records a display rotation. */
const ROTATING_FORMATS = new Set(['mp4', 'mov']);

/** True when an output at `path` can record a display rotation. */
export function canRecordRotation(path: string): boolean {
  const format = CONTAINERS[extname(path).toLowerCase()];
  return !isFolderOutput(path) && ROTATING_FORMATS.has(format);
}

/**
 * Throws unless `path` is a folder path or names a container that holds
 * H.264 video (.mp4, .m4v, .mov, .mkv, .avi).
 */
export function checkOutputPath(path: string): void {
  const ext = extname(path).toLowerCase();
  if (!isFolderOutput(path) && !(ext in CONTAINERS)) {
    throw new UsageError(
      `${path}: cannot write a video with extension ${ext}; use ` +
        `${Object.keys(CONTAINERS).join(', ')}, or a path without an ` +
        'extension for a folder of PNG frames.',
      'FRUC_OUTPUT_FORMAT',
    );
  }
}

/**
 * Opens an output. Everything is written under a temporary name beside the
 * destination and renamed only by `close()`.
 */
export async function openFrameSink(
  outPath: string,
  options: SinkOptions,
): Promise<FrameSink> {
  const finalPath = outPath.replace(/\/+$/, '');
  checkOutputPath(outPath);
  checkDestination(finalPath, options.overwrite,
    isFolderOutput(outPath) ? 'folder' : 'file');
  await mkdir(dirname(finalPath), { recursive: true });
  const temp = tempPathFor(finalPath);
  const forget = removeOnInterrupt(temp);
  const sink = isFolderOutput(outPath)
    ? await openFolderSink(finalPath, temp, options)
    : await openVideoSink(finalPath, temp, options);
  return {
    get count() {
      return sink.count;
    },
    write: (frame) => sink.write(frame),
    close: () => sink.close().then(forget),
    abort: () => sink.abort().finally(forget),
  };
}

async function moveIntoPlace(temp: string, finalPath: string, overwrite: boolean) {
  if (overwrite) {
    await rm(finalPath, { recursive: true, force: true });
  }
  await rename(temp, finalPath);
}

async function openFolderSink(
  finalPath: string,
  temp: string,
  options: SinkOptions,
): Promise<FrameSink> {
  await mkdir(temp, { recursive: true });
  let count = 0;
  return {
    get count() {
      return count;
    },
    async write(frame) {
      const name = `${String(count).padStart(6, '0')}.png`;
      await writeFile(join(temp, name), encodePng(frame));
      count++;
    },
    async close() {
      await markOutputFolder(temp);
      await moveIntoPlace(temp, finalPath, options.overwrite);
    },
    abort: () => rm(temp, { recursive: true, force: true }),
  };
}

async function openVideoSink(
  finalPath: string,
  temp: string,
  options: SinkOptions,
): Promise<FrameSink> {
  const format = CONTAINERS[extname(finalPath).toLowerCase()];
  const source = new PassThrough({ highWaterMark: options.width * options.height * 3 * 2 });
  const encoder = encodeRgb(
    {
      width: options.width,
      height: options.height,
      fps: options.fps,
      outPath: temp,
      copyStreamsFrom: options.copyStreamsFrom,
      format,
      shownPath: finalPath,
    },
    source,
  );
  let failure: unknown;
  encoder.done.catch((err: unknown) => {
    failure = err;
  });
  let count = 0;
  const fail = async () => {
    await encoder.done.catch(() => undefined);
    throw failure;
  };
  return {
    get count() {
      return count;
    },
    async write(frame) {
      if (failure) {
        await fail();
      }
      count++;
      if (!source.write(frame.data)) {
        await Promise.race([once(source, 'drain'), encoder.done]);
      }
    },
    async close() {
      source.end();
      await encoder.done;
      const rotation = options.rotation ?? 0;
      if (rotation !== 0 && ROTATING_FORMATS.has(format) &&
        !(await recordRotation(temp, format, rotation))) {
        getLogger().warn(
          `this ffmpeg could not record the input's rotation of ` +
            `${rotation} degrees on ${finalPath}; players will show its ` +
            'frames unrotated',
        );
      }
      await moveIntoPlace(temp, finalPath, options.overwrite);
    },
    async abort() {
      source.destroy();
      encoder.kill();
      await encoder.done.catch(() => undefined);
      await rm(temp, { recursive: true, force: true });
    },
  };
}
