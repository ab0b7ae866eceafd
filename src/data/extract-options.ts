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
  /** Replace an existing output folder. Default false. */
  overwrite?: boolean;
}

/** `ExtractOptions` with every default filled in and every value checked. */
export interface ResolvedExtractOptions {
  out: string;
  cropSize: number | null;
  cropsPerTriplet: number;
  stride: number;
  maxTriplets: number | null;
  seed: string;
  sceneThreshold: number;
  staticThreshold: number;
  overwrite: boolean;
}

/** Defaults of the optional settings. */
export const EXTRACT_DEFAULTS = {
  cropsPerTriplet: 1,
  stride: 2,
  seed: '0',
  sceneThreshold: DEFAULT_SCENE_CUT.threshold,
  staticThreshold: 1.0,
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
  return {
    out: options.out,
    cropSize,
    cropsPerTriplet,
    stride: checkInt('--stride', options.stride ?? d.stride, 1),
    maxTriplets: options.maxTriplets === undefined
      ? null
      : checkInt('--max-triplets', options.maxTriplets, 1),
    seed: options.seed ?? d.seed,
    sceneThreshold: checkRange(
      '--scene-threshold', options.sceneThreshold ?? d.sceneThreshold, 1),
    staticThreshold: checkRange(
      '--static-threshold', options.staticThreshold ?? d.staticThreshold, 255),
    overwrite: options.overwrite ?? false,
  };
}
