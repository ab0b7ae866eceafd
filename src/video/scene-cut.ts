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
 * Colour histogram of a frame: 16 bins per channel, R bins first, then G,
 * then B (`[48]` counts). Computing it once per frame lets a stream compare
 * each frame with both neighbours at the cost of one pass.
 */
export function colorHistogram(frame: Frame): Uint32Array {
  const counts = new Uint32Array(BINS * 3);
  const data = frame.data;
  const shift = 8 - Math.log2(BINS);
  for (let i = 0; i < data.length; i += 3) {
    counts[data[i] >> shift]++;
    counts[BINS + (data[i + 1] >> shift)]++;
    counts[2 * BINS + (data[i + 2] >> shift)]++;
  }
  return counts;
}

/**
 * {@link histogramDistance} from two {@link colorHistogram} results of
 * frames with `pixels` pixels each; in [0, 1].
 */
export function histogramsDistance(
  ha: Uint32Array,
  hb: Uint32Array,
  pixels: number,
): number {
  let sum = 0;
  for (let k = 0; k < ha.length; k++) {
    sum += Math.abs(ha[k] - hb[k]);
  }
  return sum / (2 * 3 * pixels);
}

/**
 * Distance between the colour histograms of two frames, in [0, 1]: 0 for
 * identical distributions, 1 for disjoint ones. Motion barely changes a
 * histogram while a cut to another shot usually changes it a lot.
 */
export function histogramDistance(a: Frame, b: Frame): number {
  assertSameSize(a, b, 'histogramDistance');
  return histogramsDistance(
    colorHistogram(a),
    colorHistogram(b),
    a.width * a.height,
  );
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
