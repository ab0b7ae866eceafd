import { UsageError } from '../errors.ts';
import { DEFAULT_SCENE_CUT } from '../video/scene-cut.ts';

/** Settings of `extractTriplets` / `fruc extract`. */
export interface ExtractOptions {
  /** Output folder; must not exist unless `overwrite` is set. */
  out: string;
  /**
   * Side of the square crops in pixels, at most the smaller frame side.
   * Default: none, whole frames are stored.
   */
  cropSize?: number;
  /** Random crops per kept triplet, >= 1; > 1 needs `cropSize`. Default 1. */
  cropsPerTriplet?: number;
  /**
   * Distance in frames between the first frames of consecutive triplets,
   * >= 1. Default 2: neighbouring triplets share an end frame, every frame
   * is used and no middle frame appears twice.
   */
  stride?: number;
  /**
   * Frame distances `g` between the previous and the middle frame (and the
   * middle and the next): each first frame `f` gives one triplet
   * `(f, f + g, f + 2g)` per gap, so larger gaps train larger motion.
   * Distinct whole numbers >= 1. Default [1]: consecutive frames.
   */
  gaps?: number[];
  /** Most triplets kept per source, >= 1. Default: no limit. */
  maxTriplets?: number;
  /**
   * Seed of the crop positions; the same seed gives the same crops. Each
   * source draws from its own generator seeded with `<seed>:<source name>`,
   * so adding an input does not move the crops of the others. Default '0'.
   */
  seed?: string;
  /**
   * Histogram distance in [0, 1] above which prev/middle or middle/next is
   * a scene cut and the triplet is skipped. Default 0.5.
   */
  sceneThreshold?: number;
  /**
   * A triplet whose mean absolute difference between prev and next
   * (0..255 scale) is below this is near-static and skipped; 0 keeps all.
   * Default 1.0.
   */
  staticThreshold?: number;
  /**
   * With `cropSize`: crops whose mean absolute difference between prev and
   * next (0..255) is below this are drawn again (at most 10 draws per
   * wanted crop), so crops of a still background give way to moving ones;
   * a triplet left with no crop counts as static. 0 takes every crop.
   * Default 0.
   */
  minCropMotion?: number;
  /** Replace an existing output folder. Default false. */
  overwrite?: boolean;
}

/** `ExtractOptions` with every default filled in and every value checked. */
export interface ResolvedExtractOptions {
  out: string;
  cropSize: number | null;
  cropsPerTriplet: number;
  stride: number;
  /** Distinct, in ascending order. */
  gaps: number[];
  maxTriplets: number | null;
  seed: string;
  sceneThreshold: number;
  staticThreshold: number;
  minCropMotion: number;
  overwrite: boolean;
}

/** Defaults of the optional settings. */
export const EXTRACT_DEFAULTS = {
  cropsPerTriplet: 1,
  stride: 2,
  gaps: [1],
  seed: '0',
  sceneThreshold: DEFAULT_SCENE_CUT.threshold,
  staticThreshold: 1.0,
  minCropMotion: 0,
} as const;

function checkInt(flag: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) {
    throw new UsageError(
      `extract: ${flag} must be a whole number >= ${min}, but got ${value}; ` +
        'fix the value.',
    );
  }
  return value;
}

function checkRange(flag: string, value: number, max: number): number {
  if (!Number.isFinite(value) || value < 0 || value > max) {
    throw new UsageError(
      `extract: ${flag} must be in 0..${max}, but got ${value}; fix the value.`,
    );
  }
  return value;
}

function checkGaps(gaps: number[]): number[] {
  if (gaps.length === 0) {
    throw new UsageError(
      'extract: --gaps is empty; give frame gaps such as 1 or 1,2,3.',
    );
  }
  gaps.forEach((gap) => checkInt('--gaps', gap, 1));
  if (new Set(gaps).size !== gaps.length) {
    throw new UsageError(
      `extract: --gaps ${gaps.join(',')} repeats a gap; list each once.`,
    );
  }
  return [...gaps].sort((a, b) => a - b);
}

/**
 * Fills in defaults and checks every value.
 *
 * @throws UsageError naming the flag for a value out of range.
 */
export function resolveExtractOptions(
  options: ExtractOptions,
): ResolvedExtractOptions {
  const d = EXTRACT_DEFAULTS;
  const cropSize = options.cropSize === undefined
    ? null
    : checkInt('--crop-size', options.cropSize, 1);
  const cropsPerTriplet = checkInt(
    '--crops-per-triplet', options.cropsPerTriplet ?? d.cropsPerTriplet, 1);
  if (cropsPerTriplet > 1 && cropSize === null) {
    throw new UsageError(
      'extract: --crops-per-triplet above 1 needs --crop-size; give a crop ' +
        'size or leave --crops-per-triplet out.',
    );
  }
  const minCropMotion = checkRange(
    '--min-crop-motion', options.minCropMotion ?? d.minCropMotion, 255);
  if (minCropMotion > 0 && cropSize === null) {
    throw new UsageError(
      'extract: --min-crop-motion needs --crop-size (whole frames are not ' +
        'redrawn); give a crop size or leave --min-crop-motion out.',
    );
  }
  return {
    out: options.out,
    cropSize,
    cropsPerTriplet,
    stride: checkInt('--stride', options.stride ?? d.stride, 1),
    gaps: checkGaps(options.gaps ?? [...d.gaps]),
    maxTriplets: options.maxTriplets === undefined
      ? null
      : checkInt('--max-triplets', options.maxTriplets, 1),
    seed: options.seed ?? d.seed,
    sceneThreshold: checkRange(
      '--scene-threshold', options.sceneThreshold ?? d.sceneThreshold, 1),
    staticThreshold: checkRange(
      '--static-threshold', options.staticThreshold ?? d.staticThreshold, 255),
    minCropMotion,
    overwrite: options.overwrite ?? false,
  };
}
