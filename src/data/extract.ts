/**
 * `extractTriplets`: cuts frame triplets (previous, middle, next) out of
 * videos and frame folders into `<out>/<source>/<index>/frame{0,1,2}.png`
 * with a `manifest.json`, streaming the frames with a window of three.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { UsageError } from '../errors.ts';
import type { Frame } from '../image/frame.ts';
import { cropFrame } from '../image/frame.ts';
import { encodePng } from '../image/png-io.ts';
import { checkDestination, writeAtomically } from '../util/atomic.ts';
import { getLogger } from '../util/logger.ts';
import { openFrameSource, type FrameSource } from '../video/frame-source.ts';
import { isSceneCut, meanAbsDiff } from '../video/scene-cut.ts';
import {
  createCropPicker,
  pickMovingCrops,
  wholeFrame,
  type CropRect,
} from './crops.ts';
import { CropTooLargeError } from './errors.ts';
import {
  resolveExtractOptions,
  type ExtractOptions,
  type ResolvedExtractOptions,
} from './extract-options.ts';
import { resolveSources, type SourceRef } from './extract-sources.ts';
import {
  serializeManifest,
  sumTotals,
  zeroTotals,
  type ExtractSummary,
  type Manifest,
  type ManifestTriplet,
  type SourceSummary,
} from './manifest.ts';

/** File names inside each triplet folder: previous, middle, next. */
export const TRIPLET_FILES = [
  'frame0.png',
  'frame1.png',
  'frame2.png',
] as const;

/** Name of the manifest file in the output root. */
export const MANIFEST_FILE = 'manifest.json';

/**
 * Extracts triplets from `inputs` (video files, folders of PNG frames, or
 * folders holding these) into `options.out`, which appears only when the
 * run is complete. Frame folders are read at 24 fps (for timestamps).
 *
 * @returns per-source and total counts of kept and skipped triplets.
 * @throws UsageError, InputMissingError, NotAVideoError, NoSourcesError,
 *   CropTooLargeError, OutputExistsError, FfmpegFailedError.
 */
export async function extractTriplets(
  inputs: string[],
  options: ExtractOptions,
): Promise<ExtractSummary> {
  const opts = resolveExtractOptions(options);
  if (inputs.length === 0) {
    throw new UsageError(
      'extract: no inputs; give video files, frame folders or folders ' +
        'holding these.',
    );
  }
  const out = resolve(opts.out);
  checkDestination(out, opts.overwrite, 'folder');

  // Open (probe) every source first so a bad one fails before any writing.
  const refs = await resolveSources(inputs);
  const sources: FrameSource[] = [];
  for (const ref of refs) {
    const source = await openFrameSource(ref.path);
    const size = opts.cropSize;
    if (size !== null && (size > source.width || size > source.height)) {
      throw new CropTooLargeError(size, ref.path, source.width, source.height);
    }
    sources.push(source);
  }

  return writeAtomically(out, opts.overwrite, 'folder', async (temp) => {
    await mkdir(temp, { recursive: true });
    const triplets: ManifestTriplet[] = [];
    const summaries: SourceSummary[] = [];
    for (let i = 0; i < refs.length; i++) {
      summaries.push(
        await extractSource(sources[i], refs[i], temp, opts, triplets),
      );
    }
    const summary: ExtractSummary = {
      out,
      sources: summaries,
      total: sumTotals(summaries),
    };
    if (summary.total.candidates === 0) {
      const gap = opts.gaps[0]; // sorted: the smallest
      throw new UsageError(
        `extract: no source has the ${2 * gap + 1} frames that a triplet ` +
          `with gap ${gap} spans; give smaller --gaps or longer inputs.`,
      );
    }
    if (summary.total.kept === 0) {
      const { candidates, skippedSceneCut, skippedStatic } = summary.total;
      throw new UsageError(
        `extract: all ${candidates} candidate triplets were skipped ` +
          `(${skippedSceneCut} scene cuts, ${skippedStatic} static); lower ` +
          '--static-threshold or --min-crop-motion, or raise ' +
          '--scene-threshold.',
      );
    }
    const manifest: Manifest = {
      version: 1,
      createdBy: 'fruc extract',
      options: manifestOptions(inputs, opts),
      summary: { sources: summary.sources, total: summary.total },
      triplets,
    };
    await writeFile(join(temp, MANIFEST_FILE), serializeManifest(manifest));
    return summary;
  });
}

type Verdict = 'keep' | 'scene-cut' | 'static';

function judge(
  prev: Frame,
  middle: Frame,
  next: Frame,
  opts: ResolvedExtractOptions,
): Verdict {
  const cut = { threshold: opts.sceneThreshold };
  if (isSceneCut(prev, middle, cut) || isSceneCut(middle, next, cut)) {
    return 'scene-cut';
  }
  if (meanAbsDiff(prev, next) < opts.staticThreshold) {
    return 'static';
  }
  return 'keep';
}

async function extractSource(
  source: FrameSource,
  ref: SourceRef,
  root: string,
  opts: ResolvedExtractOptions,
  triplets: ManifestTriplet[],
): Promise<SourceSummary> {
  const log = getLogger();
  const { width, height, fps } = source;
  const summary: SourceSummary = {
    name: ref.name,
    path: ref.path,
    kind: source.kind,
    width,
    height,
    fps,
    ...zeroTotals(),
  };
  log.info(
    `extract: ${ref.name}: reading ${ref.path} (${width}x${height}, ` +
      `${fps.num}/${fps.den} fps, about ${source.frameCount} frames)`,
  );
  const picker = createCropPicker(`${opts.seed}:${ref.name}`);
  const seconds = (index: number) => (index * fps.den) / fps.num;
  await mkdir(join(root, ref.name));

  const keepTriplet = async (
    [prev, middle, next]: Frame[],
    first: number,
    gap: number,
    name: string,
  ): Promise<void> => {
    summary.candidates++;
    const verdict = judge(prev, middle, next, opts);
    if (verdict === 'scene-cut') {
      summary.skippedSceneCut++;
      return;
    }
    if (verdict === 'static') {
      summary.skippedStatic++;
      return;
    }
    const crops: CropRect[] = opts.cropSize === null
      ? [wholeFrame(width, height)]
      : pickMovingCrops(picker, prev, next, opts.cropSize,
        opts.cropsPerTriplet, opts.minCropMotion);
    if (crops.length === 0) {
      summary.skippedStatic++;
      return;
    }
    const frames: [number, number, number] =
      [first, first + gap, first + 2 * gap];
    for (let k = 0; k < crops.length; k++) {
      const suffix = crops.length > 1 ? `-c${k}` : '';
      const id = `${ref.name}/${name}${suffix}`;
      await writeTriplet(join(root, id), [prev, middle, next], crops[k]);
      triplets.push({
        id,
        source: ref.path,
        frames,
        timestamps: [seconds(frames[0]), seconds(frames[1]),
          seconds(frames[2])],
        frameSize: { width, height },
        crop: crops[k],
      });
      summary.written++;
    }
    summary.kept++;
  };

  const widest = opts.gaps[opts.gaps.length - 1];
  const window: Frame[] = [];
  sourceLoop: for await (const frame of source.frames()) {
    const index = summary.framesRead++;
    window.push(frame);
    if (window.length > 2 * widest + 1) {
      window.shift();
    }
    for (const gap of opts.gaps) {
      const first = index - 2 * gap;
      if (first < 0 || first % opts.stride !== 0) {
        continue;
      }
      const at = window.length - 1 - 2 * gap;
      const triplet = [window[at], window[at + gap], window[at + 2 * gap]];
      const name = String(first).padStart(6, '0') +
        (opts.gaps.length > 1 || gap !== 1 ? `-g${gap}` : '');
      await keepTriplet(triplet, first, gap, name);
      if (opts.maxTriplets !== null && summary.kept >= opts.maxTriplets) {
        break sourceLoop;
      }
    }
  }

  log.info(
    `extract: ${ref.name}: ${summary.framesRead} frames read, ` +
      `${summary.kept} of ${summary.candidates} triplets kept ` +
      `(${summary.skippedSceneCut} scene cut, ${summary.skippedStatic} ` +
      `static), ${summary.written} folders written`,
  );
  return summary;
}

async function writeTriplet(
  dir: string,
  frames: Frame[],
  crop: CropRect,
): Promise<void> {
  await mkdir(dir);
  const whole = crop.x === 0 && crop.y === 0 &&
    crop.width === frames[0].width && crop.height === frames[0].height;
  await Promise.all(frames.map((frame, i) => {
    const image = whole
      ? frame
      : cropFrame(frame, crop.x, crop.y, crop.width, crop.height);
    return writeFile(join(dir, TRIPLET_FILES[i]), encodePng(image));
  }));
}

function manifestOptions(
  inputs: string[],
  opts: ResolvedExtractOptions,
): Record<string, unknown> {
  return {
    inputs: inputs.map((p) => resolve(p)),
    cropSize: opts.cropSize,
    cropsPerTriplet: opts.cropsPerTriplet,
    stride: opts.stride,
    gaps: opts.gaps,
    maxTriplets: opts.maxTriplets,
    seed: opts.seed,
    sceneThreshold: opts.sceneThreshold,
    staticThreshold: opts.staticThreshold,
    minCropMotion: opts.minCropMotion,
  };
}
