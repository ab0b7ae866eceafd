/**
 * Image quality metrics shared by `fruc eval`, training validation and the
 * demo. Conventions follow interpolation papers and scikit-image 0.19:
 * RGB, 8-bit, whole frame, data range 255.
 *
 * Porting note: the math runs in float64 on plain typed arrays rather than
 * in TensorFlow.js, whose float32 kernels cannot match scikit-image's
 * float64 results to the 1e-6 the tests demand.
 */
import { assertSameSize, type Frame } from '../image/frame.ts';
import { FrameTooSmallError } from './errors.ts';

/** Metrics of one predicted frame against its ground truth. */
export interface FrameMetrics {
  /** Peak signal-to-noise ratio in dB; `Infinity` for identical frames. */
  psnr: number;
  /** Mean structural similarity over R, G, B, in [-1, 1]. */
  ssim: number;
  /** Middlebury interpolation error: RMS difference on 0..255. */
  ie: number;
}

/** Value range of 8-bit frames. */
const DATA_RANGE = 255;
/** SSIM Gaussian window: sigma 1.5, truncated at 3.5 sigma (11 taps). */
const SSIM_SIGMA = 1.5;
const SSIM_TRUNCATE = 3.5;
const SSIM_K1 = 0.01;
const SSIM_K2 = 0.03;

/** Mean squared difference over all pixels and channels. */
export function meanSquaredError(gt: Frame, out: Frame): number {
  assertSameSize(gt, out, 'meanSquaredError');
  const a = gt.data;
  const b = out.data;
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return sum / a.length;
}

/**
 * PSNR in dB as `peak_signal_noise_ratio(gt, out, data_range=255)`.
 * @returns `Infinity` when the frames are identical.
 */
export function psnr(gt: Frame, out: Frame): number {
  const mse = meanSquaredError(gt, out);
  return 10 * Math.log10((DATA_RANGE * DATA_RANGE) / mse);
}

/** Middlebury interpolation error: RMS difference on the 0..255 scale. */
export function interpolationError(gt: Frame, out: Frame): number {
  return Math.sqrt(meanSquaredError(gt, out));
}

/** Normalised 1-D Gaussian taps, as scipy's `gaussian_filter1d` builds them. */
function gaussianTaps(sigma: number, truncate: number): Float64Array {
  const radius = Math.trunc(truncate * sigma + 0.5);
  const taps = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) {
    const w = Math.exp((-0.5 / (sigma * sigma)) * x * x);
    taps[x + radius] = w;
    sum += w;
  }
  for (let i = 0; i < taps.length; i++) {
    taps[i] /= sum;
  }
  return taps;
}

const TAPS = gaussianTaps(SSIM_SIGMA, SSIM_TRUNCATE);
const RADIUS = (TAPS.length - 1) / 2;

/** Smallest frame side SSIM accepts: one full window. */
export const SSIM_MIN_SIDE = TAPS.length;

/**
 * SSIM of one channel, averaged over the pixels whose whole window lies
 * inside the frame (scikit-image crops `(win - 1) / 2` on each side, so the
 * border mode of the filter never matters).
 */
function channelSsim(gt: Frame, out: Frame, channel: number): number {
  const { width, height } = gt;
  const rows = height - 2 * RADIUS;
  const cols = width - 2 * RADIUS;
  const c1 = (SSIM_K1 * DATA_RANGE) ** 2;
  const c2 = (SSIM_K2 * DATA_RANGE) ** 2;

  // Vertical pass: the five moments for every column of the valid rows.
  const vx = new Float64Array(rows * width);
  const vy = new Float64Array(rows * width);
  const vxx = new Float64Array(rows * width);
  const vyy = new Float64Array(rows * width);
  const vxy = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let col = 0; col < width; col++) {
      let sx = 0;
      let sy = 0;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let k = 0; k < TAPS.length; k++) {
        const idx = ((r + k) * width + col) * 3 + channel;
        const x = gt.data[idx];
        const y = out.data[idx];
        const w = TAPS[k];
        sx += w * x;
        sy += w * y;
        sxx += w * x * x;
        syy += w * y * y;
        sxy += w * x * y;
      }
      const o = r * width + col;
      vx[o] = sx;
      vy[o] = sy;
      vxx[o] = sxx;
      vyy[o] = syy;
      vxy[o] = sxy;
    }
  }

  // Horizontal pass and the SSIM map, summed over the valid region.
  let total = 0;
  for (let r = 0; r < rows; r++) {
    for (let col = 0; col < cols; col++) {
      let ux = 0;
      let uy = 0;
      let uxx = 0;
      let uyy = 0;
      let uxy = 0;
      const base = r * width + col;
      for (let k = 0; k < TAPS.length; k++) {
        const w = TAPS[k];
        ux += w * vx[base + k];
        uy += w * vy[base + k];
        uxx += w * vxx[base + k];
        uyy += w * vyy[base + k];
        uxy += w * vxy[base + k];
      }
      const varX = uxx - ux * ux;
      const varY = uyy - uy * uy;
      const cov = uxy - ux * uy;
      total +=
        ((2 * ux * uy + c1) * (2 * cov + c2)) /
        ((ux * ux + uy * uy + c1) * (varX + varY + c2));
    }
  }
  return total / (rows * cols);
}

/**
 * SSIM as `structural_similarity(gt, out, channel_axis=-1,
 * gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
 * data_range=255)`: 11x11 Gaussian window, K1 0.01, K2 0.03, mean over
 * R, G, B. Both sides must be at least {@link SSIM_MIN_SIDE} pixels.
 * @throws FrameTooSmallError for smaller frames.
 */
export function ssim(gt: Frame, out: Frame): number {
  assertSameSize(gt, out, 'ssim');
  if (gt.width < SSIM_MIN_SIDE || gt.height < SSIM_MIN_SIDE) {
    throw new FrameTooSmallError(
      'ssim: the input', gt.width, gt.height, SSIM_MIN_SIDE);
  }
  let sum = 0;
  for (let channel = 0; channel < 3; channel++) {
    sum += channelSsim(gt, out, channel);
  }
  return sum / 3;
}

/** PSNR, SSIM and IE of `out` against the ground truth `gt`. */
export function computeMetrics(gt: Frame, out: Frame): FrameMetrics {
  const mse = meanSquaredError(gt, out);
  return {
    psnr: 10 * Math.log10((DATA_RANGE * DATA_RANGE) / mse),
    ssim: ssim(gt, out),
    ie: Math.sqrt(mse),
  };
}
