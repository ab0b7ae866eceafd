import { assertSameSize, type Frame } from '../image/frame.ts';

/** Thresholds that decide whether two frames belong to different shots. */
export interface SceneCutOptions {
  /**
   * Histogram distance in [0, 1] (half the L1 distance of the normalised
   * 16-bins-per-channel histograms) above which two frames are a cut.
   * Default 0.5.
   */
  threshold: number;
}

export const DEFAULT_SCENE_CUT: SceneCutOptions = { threshold: 0.5 };

const BINS = 16;

/**
 * Distance between the colour histograms of two frames, in [0, 1]: 0 for
 * identical distributions, 1 for disjoint ones. Motion barely changes a
 * histogram while a cut to another shot usually changes it a lot.
 */
export function histogramDistance(a: Frame, b: Frame): number {
  assertSameSize(a, b, 'histogramDistance');
  const ha = new Float64Array(BINS * 3);
  const hb = new Float64Array(BINS * 3);
  const shift = 8 - Math.log2(BINS);
  for (let i = 0; i < a.data.length; i += 3) {
    for (let c = 0; c < 3; c++) {
      ha[c * BINS + (a.data[i + c] >> shift)]++;
      hb[c * BINS + (b.data[i + c] >> shift)]++;
    }
  }
  const pixels = a.width * a.height;
  let sum = 0;
  for (let k = 0; k < ha.length; k++) {
    sum += Math.abs(ha[k] - hb[k]);
  }
  return sum / (2 * 3 * pixels);
}

/** Mean absolute difference of two frames on the 0..255 scale. */
export function meanAbsDiff(a: Frame, b: Frame): number {
  assertSameSize(a, b, 'meanAbsDiff');
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    sum += Math.abs(a.data[i] - b.data[i]);
  }
  return sum / a.data.length;
}

/** True when `a` and `b` are judged to come from different shots. */
export function isSceneCut(
  a: Frame,
  b: Frame,
  options: SceneCutOptions = DEFAULT_SCENE_CUT,
): boolean {
  return histogramDistance(a, b) > options.threshold;
}
