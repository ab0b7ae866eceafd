import * as tf from '@tensorflow/tfjs';

import { boxMeanInPlace } from './box-mean.ts';
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
export function clampedRun(size: number, shift: number): Int32Array {
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

/**
 * Absolute difference of the two grey frames, each warped by the motion
 * of one candidate source, at every pixel of frame `base` (one plane).
 * Its own function so that the engine optimises the hot loop alone.
 */
function candidateErrors(
  dims: Dims,
  base: number,
  columnOf: Int32Array,
  rowOf: Int32Array,
  greyPrev: Float32Array,
  greyNext: Float32Array,
  flows: Float32Array,
  plane: Float32Array,
): void {
  const { width, height } = dims;
  const maxX = width - 1;
  const maxY = height - 1;
  for (let y = 0; y < height; y++) {
    const sourceRow = base + rowOf[y] * width;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const f = (sourceRow + columnOf[x]) * 4;
      // Bilinear reads, clamped to the frame, of both frames (inlined:
      // this loop is most of the pass).
      let sx = x + flows[f];
      let sy = y + flows[f + 1];
      sx = sx < 0 ? 0 : sx > maxX ? maxX : sx;
      sy = sy < 0 ? 0 : sy > maxY ? maxY : sy;
      let x0 = sx | 0;
      let y0 = sy | 0;
      let i = base + y0 * width + x0;
      let right = x0 < maxX ? 1 : 0;
      let down = y0 < maxY ? width : 0;
      let ax = sx - x0;
      let top = greyPrev[i] + (greyPrev[i + right] - greyPrev[i]) * ax;
      let bottom = greyPrev[i + down] +
        (greyPrev[i + down + right] - greyPrev[i + down]) * ax;
      const a = top + (bottom - top) * (sy - y0);
      sx = x + flows[f + 2];
      sy = y + flows[f + 3];
      sx = sx < 0 ? 0 : sx > maxX ? maxX : sx;
      sy = sy < 0 ? 0 : sy > maxY ? maxY : sy;
      x0 = sx | 0;
      y0 = sy | 0;
      i = base + y0 * width + x0;
      right = x0 < maxX ? 1 : 0;
      down = y0 < maxY ? width : 0;
      ax = sx - x0;
      top = greyNext[i] + (greyNext[i + right] - greyNext[i]) * ax;
      bottom = greyNext[i + down] +
        (greyNext[i + down + right] - greyNext[i + down]) * ax;
      const b = top + (bottom - top) * (sy - y0);
      plane[row + x] = a > b ? a - b : b - a;
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
      candidateErrors(dims, base, columns[k], rows[k], greyPrev, greyNext,
        flows, errors.subarray(k * pixels, (k + 1) * pixels));
    }
    for (let k = 0; k < count; k++) {
      boxMeanInPlace(errors.subarray(k * pixels, (k + 1) * pixels), scratch,
        dims, attrs.block);
    }
    blendCandidates(dims, base, { columns, rows }, errors, invTemperature,
      flows, outFlows, weights);
  }
}

/**
 * The softmin weights of the five candidates from their block errors
 * (`errors`, one plane each, of frame `base`) and their weighted mean
 * motion. Unrolled over the five, which {@link candidateOffsets} fixes.
 */
function blendCandidates(
  dims: Dims,
  base: number,
  { columns, rows }: Sources,
  errors: Float32Array,
  invTemperature: number,
  flows: Float32Array,
  outFlows: Float32Array,
  weights: Float32Array,
): void {
  const { width, height } = dims;
  const pixels = width * height;
  const [, right, left] = columns;
  const [, , , down, up] = rows;
  for (let y = 0; y < height; y++) {
    const own = base + y * width;
    const below = base + down[y] * width;
    const above = base + up[y] * width;
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const e0 = errors[p];
      const e1 = errors[pixels + p];
      const e2 = errors[2 * pixels + p];
      const e3 = errors[3 * pixels + p];
      const e4 = errors[4 * pixels + p];
      const best = Math.min(e0, e1, e2, e3, e4);
      let w0 = Math.exp((best - e0) * invTemperature);
      let w1 = Math.exp((best - e1) * invTemperature);
      let w2 = Math.exp((best - e2) * invTemperature);
      let w3 = Math.exp((best - e3) * invTemperature);
      let w4 = Math.exp((best - e4) * invTemperature);
      const scale = 1 / (w0 + w1 + w2 + w3 + w4);
      w0 *= scale;
      w1 *= scale;
      w2 *= scale;
      w3 *= scale;
      w4 *= scale;
      const w = (base + p) * 5;
      weights[w] = w0;
      weights[w + 1] = w1;
      weights[w + 2] = w2;
      weights[w + 3] = w3;
      weights[w + 4] = w4;
      const f0 = (own + x) * 4;
      const f1 = (own + right[x]) * 4;
      const f2 = (own + left[x]) * 4;
      const f3 = (below + x) * 4;
      const f4 = (above + x) * 4;
      const out = (base + p) * 4;
      for (let c = 0; c < 4; c++) {
        outFlows[out + c] = w0 * flows[f0 + c] + w1 * flows[f1 + c] +
          w2 * flows[f2 + c] + w3 * flows[f3 + c] + w4 * flows[f4 + c];
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
