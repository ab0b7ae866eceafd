import * as tf from '@tensorflow/tfjs';

import { accessFor } from './heap-access.ts';

type TensorInfo = tf.TensorInfo;

/** Kernel: `{greyPrev, greyNext, flows}` to `[flows, weights]`. */
export const FLOW_PROPAGATE = 'FrucFlowPropagate';
/** Kernel: `{dy, weights}` to the gradient w.r.t. `flows`. */
export const FLOW_PROPAGATE_GRAD = 'FrucFlowPropagateGrad';

/** Backends these kernels are registered for (plain loops on their heap). */
export const FLOW_PROPAGATE_BACKENDS = ['wasm', 'cpu'] as const;

/** Settings of one propagation pass. */
export interface PropagationAttrs {
  /** Distance in pixels of the four neighbours whose motion is tried. */
  spacing: number;
  /** Odd side of the block the photometric error is averaged over. */
  block: number;
  /** Softmin temperature on the mean absolute grey difference. */
  temperature: number;
}

/**
 * Where each candidate motion comes from, relative to the pixel: itself,
 * then the neighbours `spacing` to the right, left, below and above.
 */
export function candidateOffsets(spacing: number): [number, number][] {
  return [[0, 0], [spacing, 0], [-spacing, 0], [0, spacing], [0, -spacing]];
}

/** Batch, height and width of the inputs. */
interface Dims {
  batch: number;
  height: number;
  width: number;
}

/** `i + shift` clamped to `[0, size - 1]` for every `i`. */
function clampedRun(size: number, shift: number): Int32Array {
  const out = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    out[i] = Math.min(Math.max(i + shift, 0), size - 1);
  }
  return out;
}

/** Per candidate, the clamped source column of each x and row of each y. */
interface Sources {
  columns: Int32Array[];
  rows: Int32Array[];
}

function planSources(dims: Dims, spacing: number): Sources {
  const offsets = candidateOffsets(spacing);
  return {
    columns: offsets.map(([dx]) => clampedRun(dims.width, dx)),
    rows: offsets.map(([, dy]) => clampedRun(dims.height, dy)),
  };
}

/** Bilinear read of a single-channel frame at `(sx, sy)`, clamped. */
function sample(
  grey: Float32Array,
  base: number,
  width: number,
  height: number,
  sx: number,
  sy: number,
): number {
  const cx = sx < 0 ? 0 : sx > width - 1 ? width - 1 : sx;
  const cy = sy < 0 ? 0 : sy > height - 1 ? height - 1 : sy;
  const x0 = cx | 0;
  const y0 = cy | 0;
  const x1 = x0 + 1 < width ? x0 + 1 : x0;
  const row0 = base + y0 * width;
  const row1 = y0 + 1 < height ? row0 + width : row0;
  const ax = cx - x0;
  const ay = cy - y0;
  const top = grey[row0 + x0] + (grey[row0 + x1] - grey[row0 + x0]) * ax;
  const bottom = grey[row1 + x0] + (grey[row1 + x1] - grey[row1 + x0]) * ax;
  return top + (bottom - top) * ay;
}

/**
 * Mean over a `block`-sided window of one `[h, w]` plane, counting only
 * pixels inside the frame (the 'same' average pooling of TensorFlow):
 * running sums along rows, then along columns. `scratch` is a plane.
 */
function boxMeanInPlace(plane: Float32Array, scratch: Float32Array,
  dims: Dims, block: number): void {
  const { width, height } = dims;
  const half = (block - 1) >> 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let sum = 0;
    for (let x = 0; x < Math.min(half, width); x++) {
      sum += plane[row + x];
    }
    for (let x = 0; x < width; x++) {
      if (x + half < width) {
        sum += plane[row + x + half];
      }
      if (x - half - 1 >= 0) {
        sum -= plane[row + x - half - 1];
      }
      const lo = x - half < 0 ? 0 : x - half;
      const hi = x + half >= width ? width - 1 : x + half;
      scratch[row + x] = sum / (hi - lo + 1);
    }
  }
  for (let x = 0; x < width; x++) {
    let sum = 0;
    for (let y = 0; y < Math.min(half, height); y++) {
      sum += scratch[y * width + x];
    }
    for (let y = 0; y < height; y++) {
      if (y + half < height) {
        sum += scratch[(y + half) * width + x];
      }
      if (y - half - 1 >= 0) {
        sum -= scratch[(y - half - 1) * width + x];
      }
      const lo = y - half < 0 ? 0 : y - half;
      const hi = y + half >= height ? height - 1 : y + half;
      plane[y * width + x] = sum / (hi - lo + 1);
    }
  }
}

/**
 * One propagation pass. `flows` holds, per pixel, the flow to the
 * previous frame then the flow to the next one (4 channels). Each pixel
 * tries its own motion and its four neighbours' (see
 * {@link candidateOffsets}; sources outside the frame are clamped to its
 * edge), scores each by the mean absolute difference of the two grey
 * frames warped by it over a block, and takes the softmin-weighted mean of
 * the candidates. Writes the new flows and the weights `[.., 5]`.
 */
export function flowPropagateValues(
  dims: Dims,
  attrs: PropagationAttrs,
  greyPrev: Float32Array,
  greyNext: Float32Array,
  flows: Float32Array,
  outFlows: Float32Array,
  weights: Float32Array,
): void {
  const { batch, height, width } = dims;
  const { columns, rows } = planSources(dims, attrs.spacing);
  const count = columns.length;
  const pixels = height * width;
  // One error plane per candidate, then a scratch plane.
  const errors = new Float32Array(pixels * (count + 1));
  const scratch = errors.subarray(pixels * count);
  const invTemperature = 1 / attrs.temperature;
  for (let n = 0; n < batch; n++) {
    const base = n * pixels;
    for (let k = 0; k < count; k++) {
      const plane = k * pixels;
      const columnOf = columns[k];
      for (let y = 0; y < height; y++) {
        const sourceRow = base + rows[k][y] * width;
        for (let x = 0; x < width; x++) {
          const f = (sourceRow + columnOf[x]) * 4;
          const a = sample(greyPrev, base, width, height, x + flows[f],
            y + flows[f + 1]);
          const b = sample(greyNext, base, width, height, x + flows[f + 2],
            y + flows[f + 3]);
          errors[plane + y * width + x] = a > b ? a - b : b - a;
        }
      }
    }
    for (let k = 0; k < count; k++) {
      boxMeanInPlace(errors.subarray(k * pixels, (k + 1) * pixels), scratch,
        dims, attrs.block);
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = y * width + x;
        let best = Infinity;
        for (let k = 0; k < count; k++) {
          const e = errors[k * pixels + p];
          best = e < best ? e : best;
        }
        let total = 0;
        const w = (base + p) * count;
        for (let k = 0; k < count; k++) {
          const weight = Math.exp((best - errors[k * pixels + p]) *
            invTemperature);
          weights[w + k] = weight;
          total += weight;
        }
        const out = (base + p) * 4;
        let f0 = 0, f1 = 0, f2 = 0, f3 = 0;
        for (let k = 0; k < count; k++) {
          const weight = weights[w + k] / total;
          weights[w + k] = weight;
          const f = (base + rows[k][y] * width + columns[k][x]) * 4;
          f0 += weight * flows[f];
          f1 += weight * flows[f + 1];
          f2 += weight * flows[f + 2];
          f3 += weight * flows[f + 3];
        }
        outFlows[out] = f0;
        outFlows[out + 1] = f1;
        outFlows[out + 2] = f2;
        outFlows[out + 3] = f3;
      }
    }
  }
}

/**
 * Gradient of `sum(dy * flows')` w.r.t. `flows` with the weights held
 * fixed: each candidate sends its weight times `dy` back to the pixel its
 * motion came from.
 */
export function flowPropagateGradValues(
  dims: Dims,
  spacing: number,
  dy: Float32Array,
  weights: Float32Array,
  dFlows: Float32Array,
): void {
  const { batch, height, width } = dims;
  const { columns, rows } = planSources(dims, spacing);
  const count = columns.length;
  dFlows.fill(0);
  for (let n = 0; n < batch; n++) {
    const base = n * height * width;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const p = base + y * width + x;
        for (let k = 0; k < count; k++) {
          const w = weights[p * count + k];
          const f = (base + rows[k][y] * width + columns[k][x]) * 4;
          for (let c = 0; c < 4; c++) {
            dFlows[f + c] += w * dy[p * 4 + c];
          }
        }
      }
    }
  }
}

/** Reads and checks the dims of the kernel inputs. */
function getDims(greyPrev: TensorInfo, greyNext: TensorInfo,
  flows: TensorInfo): Dims {
  const [batch, height, width, channels] = greyPrev.shape;
  const ok = greyPrev.shape.length === 4 && channels === 1 &&
    greyNext.shape.join() === greyPrev.shape.join() &&
    flows.shape.join() === [batch, height, width, 4].join() &&
    [greyPrev, greyNext, flows].every((t) => t.dtype === 'float32');
  if (!ok) {
    throw new Error(
      `${FLOW_PROPAGATE}: needs float32 [b, h, w, 1] grey frames and ` +
        `[b, h, w, 4] flows, but got [${greyPrev.shape.join(', ')}], ` +
        `[${greyNext.shape.join(', ')}] and [${flows.shape.join(', ')}].`,
    );
  }
  return { batch, height, width };
}

let registered = false;

/**
 * Registers {@link FLOW_PROPAGATE} and {@link FLOW_PROPAGATE_GRAD} for
 * {@link FLOW_PROPAGATE_BACKENDS}: one pass in JavaScript instead of some
 * sixty stock ops. Idempotent; runs on import of this module.
 */
export function registerFlowPropagateKernels(): void {
  if (registered) {
    return;
  }
  registered = true;
  for (const backendName of FLOW_PROPAGATE_BACKENDS) {
    tf.registerKernel({
      kernelName: FLOW_PROPAGATE,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { greyPrev, greyNext, flows } = inputs as Record<string,
          TensorInfo>;
        const settings = attrs as unknown as PropagationAttrs;
        const dims = getDims(greyPrev, greyNext, flows);
        const access = accessFor(backendName, backend);
        const out = access.create(flows.shape).info;
        const weights = access.create([dims.batch, dims.height, dims.width,
          candidateOffsets(settings.spacing).length]).info;
        flowPropagateValues(dims, settings, access.read(greyPrev),
          access.read(greyNext), access.read(flows), access.read(out),
          access.read(weights));
        return [out, weights];
      },
    });
    tf.registerKernel({
      kernelName: FLOW_PROPAGATE_GRAD,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { dy, weights } = inputs as Record<string, TensorInfo>;
        const { spacing } = attrs as unknown as PropagationAttrs;
        const [batch, height, width] = dy.shape;
        const access = accessFor(backendName, backend);
        const dFlows = access.create(dy.shape).info;
        flowPropagateGradValues({ batch, height, width }, spacing,
          access.read(dy), access.read(weights), access.read(dFlows));
        return dFlows;
      },
    });
  }
}

/** Whether the active backend has the flow-propagation kernels. */
export function hasFlowPropagateKernels(): boolean {
  return tf.getKernel(FLOW_PROPAGATE, tf.getBackend()) !== undefined;
}

registerFlowPropagateKernels();
