/**
 * Opens what `fruc eval` is given as data: a triplet dataset (Middlebury,
 * triplet folders, Vimeo-90K, `fruc extract` output) or, for a video file or
 * folder of PNG frames, the video protocol.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';

import { NoTripletsError } from '../data/errors.ts';
import { findTriplets, type TripletRef } from '../data/triplet-layouts.ts';
import { InputMissingError } from '../errors.ts';
import { readPng } from '../image/png-io.ts';
import { listPngFrames, openFrameSource } from '../video/frame-source.ts';
import {
  FrameTooSmallError,
  NoEvalDataError,
  SampleSizeError,
} from './errors.ts';
import { SSIM_MIN_SIDE } from './metrics.ts';
import { videoProtocolSamples, type EvalSample } from './video-protocol.ts';

/** A named set of samples, read one at a time. */
export interface EvalDataset {
  /** Short name for reports: the base name of `path`. */
  name: string;
  /** Absolute path of the data. */
  path: string;
  /** `triplets` for ground-truth triplets, `video` for the video protocol. */
  kind: 'triplets' | 'video';
  /** Samples available (for videos, from the container: an estimate). */
  size: number;
  /** Streams the samples in order, at most `maxSamples` of them. */
  samples(maxSamples?: number): AsyncGenerator<EvalSample>;
}

/**
 * Opens one data path. A folder is searched for triplets first; a folder
 * with none but with PNG files directly inside is read as a video.
 *
 * @throws InputMissingError when `path` does not exist.
 * @throws NoEvalDataError for a folder with no triplets and no frames.
 * @throws NotAVideoError for a file ffmpeg cannot read as a video.
 * @throws FrameTooSmallError when the (first) frames are smaller than the
 *   SSIM window; later triplets are checked as they are read.
 */
export async function openEvalDataset(path: string): Promise<EvalDataset> {
  const absPath = resolve(path);
  if (!existsSync(absPath)) {
    throw new InputMissingError(path, 'data');
  }
  const name = basename(absPath);
  if (statSync(absPath).isDirectory()) {
    const triplets = await findTripletsOrNone(absPath);
    if (triplets.length > 0) {
      const first = await readPng(triplets[0].prev);
      checkFrameSize(path, first.width, first.height);
      return tripletDataset(name, absPath, triplets);
    }
    if ((await listPngFrames(absPath)).length === 0) {
      throw new NoEvalDataError(path);
    }
  }

  const source = await openFrameSource(absPath);
  checkFrameSize(path, source.width, source.height);
  return {
    name,
    path: absPath,
    kind: 'video',
    size: Math.max(0, Math.floor((source.frameCount - 1) / 2)),
    samples: (maxSamples) => videoProtocolSamples(source, maxSamples),
  };
}

/** Refuses frames too small for SSIM, before any work on them. */
function checkFrameSize(what: string, width: number, height: number): void {
  if (width < SSIM_MIN_SIDE || height < SSIM_MIN_SIDE) {
    throw new FrameTooSmallError(what, width, height, SSIM_MIN_SIDE);
  }
}

async function findTripletsOrNone(path: string): Promise<TripletRef[]> {
  try {
    return await findTriplets(path);
  } catch (err) {
    if (err instanceof NoTripletsError) {
      return [];
    }
    throw err;
  }
}

function tripletDataset(
  name: string,
  path: string,
  triplets: TripletRef[],
): EvalDataset {
  async function* samples(maxSamples = Infinity): AsyncGenerator<EvalSample> {
    const count = Math.min(triplets.length, maxSamples);
    for (let i = 0; i < count; i++) {
      const ref = triplets[i];
      const [prev, gt, next] = await Promise.all(
        [ref.prev, ref.middle, ref.next].map((p) => readPng(p)),
      );
      const sizes = [prev, gt, next].map((f) => `${f.width}x${f.height}`);
      if (new Set(sizes).size > 1) {
        throw new SampleSizeError(name, ref.id, sizes.join(', '));
      }
      checkFrameSize(`sample ${ref.id} of ${name}`, gt.width, gt.height);
      yield { id: ref.id, prev, gt, next };
    }
  }
  return { name, path, kind: 'triplets', size: triplets.length, samples };
}
