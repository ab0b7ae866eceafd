import * as tf from '@tensorflow/tfjs';

import { accessFor } from './heap-access.ts';

type TensorInfo = tf.TensorInfo;

/** Kernel: `{a, b}` and `offsets` to the shifted products. */
export const SHIFTED_PRODUCT = 'FrucShiftedProduct';
/** Kernel: `{a, b, dy}` and `offsets` to the gradients `[da, db]`. */
export const SHIFTED_PRODUCT_GRAD = 'FrucShiftedProductGrad';

/** Backends these kernels are registered for (plain loops on their heap). */
export const SHIFTED_PRODUCT_BACKENDS = ['wasm', 'cpu'] as const;

/**
 * Offsets of one output channel: it reads `a` at `(x + ax, y + ay)` and
 * `b` at `(x + bx, y + by)`.
 */
export interface ProductOffsets {
  ax: number;
  ay: number;
  bx: number;
  by: number;
}

/** Batch, height and width of the single-channel inputs. */
interface Dims {
  batch: number;
  height: number;
  width: number;
}

/**
 * Positions `[start, end)` along one axis of `size` where both
 * `i + offsetA` and `i + offsetB` are inside it.
 */
function validRange(size: number, offsetA: number, offsetB: number):
  [number, number] {
  const start = Math.max(0, -offsetA, -offsetB);
  const end = Math.min(size, size - offsetA, size - offsetB);
  return [start, Math.max(start, end)];
}

/** One channel's valid rows and columns and its flat index offsets. */
interface Move {
  x: [number, number];
  y: [number, number];
  deltaA: number;
  deltaB: number;
}

function planMoves(dims: Dims, offsets: ProductOffsets[]): Move[] {
  return offsets.map((o) => ({
    x: validRange(dims.width, o.ax, o.bx),
    y: validRange(dims.height, o.ay, o.by),
    deltaA: o.ay * dims.width + o.ax,
    deltaB: o.by * dims.width + o.bx,
  }));
}

/** Pixels of a row the loops below take at a time: one tile's outputs,
 * every channel, stay in cache. */
const TILE = 64;

// The forward and gradient loops below repeat their walk rather than share
// one that takes a callback, as the warp kernels do, for speed.

/**
 * `out[n, y, x, m] = a[n, y + ay, x + ax] * b[n, y + by, x + bx]` for the
 * offsets of channel `m`, zero where either point is outside the frame.
 */
export function shiftedProductValues(
  dims: Dims,
  offsets: ProductOffsets[],
  a: Float32Array,
  b: Float32Array,
  out: Float32Array,
): void {
  const { batch, height, width } = dims;
  const count = offsets.length;
  const moves = planMoves(dims, offsets);
  out.fill(0);
  for (let n = 0; n < batch; n++) {
    for (let y = 0; y < height; y++) {
      const row = (n * height + y) * width;
      for (let tile = 0; tile < width; tile += TILE) {
        for (let m = 0; m < count; m++) {
          const move = moves[m];
          if (y < move.y[0] || y >= move.y[1]) {
            continue;
          }
          const { deltaA, deltaB } = move;
          const end = row + Math.min(tile + TILE, move.x[1]);
          for (let x = row + Math.max(tile, move.x[0]); x < end; x++) {
            out[x * count + m] = a[x + deltaA] * b[x + deltaB];
          }
        }
      }
    }
  }
}

/**
 * Gradients of `sum(dy * shiftedProduct(a, b))` w.r.t. `a` and `b`:
 * each product sends `dy` times the other factor back to the point it
 * read.
 */
export function shiftedProductGradValues(
  dims: Dims,
  offsets: ProductOffsets[],
  a: Float32Array,
  b: Float32Array,
  dy: Float32Array,
  da: Float32Array,
  db: Float32Array,
): void {
  const { batch, height, width } = dims;
  const count = offsets.length;
  const moves = planMoves(dims, offsets);
  da.fill(0);
  db.fill(0);
  for (let n = 0; n < batch; n++) {
    for (let y = 0; y < height; y++) {
      const row = (n * height + y) * width;
      for (let tile = 0; tile < width; tile += TILE) {
        for (let m = 0; m < count; m++) {
          const move = moves[m];
          if (y < move.y[0] || y >= move.y[1]) {
            continue;
          }
          const { deltaA, deltaB } = move;
          const end = row + Math.min(tile + TILE, move.x[1]);
          for (let x = row + Math.max(tile, move.x[0]); x < end; x++) {
            const g = dy[x * count + m];
            da[x + deltaA] += g * b[x + deltaB];
            db[x + deltaB] += g * a[x + deltaA];
          }
        }
      }
    }
  }
}

/** Reads the dims of `a`, checking that `b` matches it. */
function getDims(a: TensorInfo, b: TensorInfo): Dims {
  const [batch, height, width, channels] = a.shape;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || channels !== 1 ||
    a.shape.length !== 4 || b.shape.join() !== a.shape.join()) {
    throw new Error(
      `${SHIFTED_PRODUCT}: needs two float32 [b, h, w, 1] inputs, but got ` +
        `${a.dtype} [${a.shape.join(', ')}] and ` +
        `${b.dtype} [${b.shape.join(', ')}].`,
    );
  }
  return { batch, height, width };
}

/** Kernel attributes: the offsets of every output channel. */
interface ProductAttrs {
  offsets: ProductOffsets[];
}

let registered = false;

/**
 * Registers {@link SHIFTED_PRODUCT} and {@link SHIFTED_PRODUCT_GRAD} for
 * the backends of {@link SHIFTED_PRODUCT_BACKENDS}: one pass in
 * JavaScript instead of two one-hot convolutions (one per input) and a
 * multiply over every channel. Idempotent; runs on import of this module.
 */
export function registerShiftedProductKernels(): void {
  if (registered) {
    return;
  }
  registered = true;
  for (const backendName of SHIFTED_PRODUCT_BACKENDS) {
    tf.registerKernel({
      kernelName: SHIFTED_PRODUCT,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
        const { offsets } = attrs as unknown as ProductAttrs;
        const dims = getDims(a, b);
        const access = accessFor(backendName, backend);
        const out = access.create(
          [dims.batch, dims.height, dims.width, offsets.length]);
        shiftedProductValues(dims, offsets, access.read(a), access.read(b),
          out.values);
        return out.info;
      },
    });
    tf.registerKernel({
      kernelName: SHIFTED_PRODUCT_GRAD,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) => {
        const { a, b, dy } = inputs as {
          a: TensorInfo;
          b: TensorInfo;
          dy: TensorInfo;
        };
        const { offsets } = attrs as unknown as ProductAttrs;
        const dims = getDims(a, b);
        const access = accessFor(backendName, backend);
        const da = access.create(a.shape).info;
        const db = access.create(b.shape).info;
        shiftedProductGradValues(dims, offsets, access.read(a), access.read(b),
          access.read(dy), access.read(da), access.read(db));
        return [da, db];
      },
    });
  }
}

/** Whether the active backend has the shifted-product kernels. */
export function hasShiftedProductKernels(): boolean {
  return tf.getKernel(SHIFTED_PRODUCT, tf.getBackend()) !== undefined;
}

/**
 * `[b, h, w, 1]` inputs `a` and `b` to `[b, h, w, offsets.length]` whose
 * channel `m` is `a` read at offset `(ax, ay)` times `b` read at
 * `(bx, by)`, zero where either point is outside the frame; differentiable
 * in both inputs. Needs {@link hasShiftedProductKernels}.
 */
export function shiftedProduct(
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  offsets: ProductOffsets[],
): tf.Tensor4D {
  const attrs = { offsets } as unknown as tf.NamedAttrMap;
  const product = tf.customGrad<tf.Tensor4D>((...args) => {
    const [aIn, bIn] = args as tf.Tensor4D[];
    const save = args[2] as unknown as tf.GradSaveFunc;
    save([aIn, bIn]);
    const value = tf.engine().runKernel(SHIFTED_PRODUCT, { a: aIn, b: bIn },
      attrs) as tf.Tensor4D;
    return {
      value,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
        tf.engine().runKernel(SHIFTED_PRODUCT_GRAD,
          { a: saved[0], b: saved[1], dy }, attrs) as tf.Tensor[],
    };
  });
  return product(a, b) as tf.Tensor4D;
}

registerShiftedProductKernels();
