import * as tf from '@tensorflow/tfjs';

import {
  hasShiftedProductKernels,
  type ProductOffsets,
  shiftedProduct,
} from '../../kernels/shifted-product.ts';

/** Arguments of {@link BilateralCost} and {@link SoftFlow}. */
export interface CostVolumeArgs {
  /** Layer name (keeps weight and node names stable across builds). */
  name: string;
  /** Search radius `r` in pixels of the layer's level: moves `D` from the
   * previous to the next frame with `|Dx|, |Dy| <= r`, `(2r + 1) ** 2`
   * candidates. */
  radius: number;
}

/** Arguments of {@link BilateralCost}. */
export interface BilateralCostArgs extends CostVolumeArgs {
  /** Odd side of the window of the local mean and spread that each grey
   * value is normalised by. */
  normWindow: number;
  /** Odd side of the window over which each move's products are
   * averaged: the matched block. */
  aggregate: number;
}

/** Candidate moves `D` in channel order: Dy outer, Dx inner. */
export function displacements(radius: number): [number, number][] {
  const out: [number, number][] = [];
  for (let dy = -radius; dy <= radius; dy++) {
    for (let dx = -radius; dx <= radius; dx++) {
      out.push([dx, dy]);
    }
  }
  return out;
}

/**
 * Spread (standard deviation) of grey values below which a neighbourhood
 * counts as flat: 1 grey level of 255. Flat areas match nothing well, so
 * their normalised values shrink towards zero instead of amplifying noise.
 */
const FLAT_SPREAD = 1 / 255;

/** Mean over a `size` x `size` window, zero padded (separable). */
function boxMean(x: tf.Tensor4D, size: number): tf.Tensor4D {
  if (size === 1) {
    return x;
  }
  const rows = tf.avgPool(x, [size, 1], 1, 'same');
  return tf.avgPool(rows, [1, size], 1, 'same');
}

/**
 * Grey values (channel mean) of both frames less their local mean, over
 * their local spread: two `[b, h, w, c]` images to two `[b, h, w, 1]`.
 * Both frames' values and squares go through one box filter together:
 * four times fewer pooling calls than one per frame and moment.
 */
function normalisePair(
  prev: tf.Tensor4D,
  next: tf.Tensor4D,
  window: number,
): [tf.Tensor4D, tf.Tensor4D] {
  const grey = tf.concat([tf.mean(prev, -1, true), tf.mean(next, -1, true)],
    -1) as tf.Tensor4D;
  const moments = boxMean(tf.concat([grey, tf.square(grey)], -1) as
    tf.Tensor4D, window);
  const mean = channels(moments, 0, 2);
  const meanSquare = channels(moments, 2, 2);
  const variance = tf.relu(tf.sub(meanSquare, tf.square(mean)));
  const normalised = tf.div(tf.sub(grey, mean),
    tf.sqrt(tf.add(variance, FLAT_SPREAD ** 2))) as tf.Tensor4D;
  return [channels(normalised, 0, 1), channels(normalised, 1, 1)];
}

/** Channels `[start, start + size)` of `x`. (`tf.split` would bypass the
 * project's faster wasm `Slice`.) */
function channels(x: tf.Tensor4D, start: number, size: number): tf.Tensor4D {
  return tf.slice(x, [0, 0, 0, start], [-1, -1, -1, size]);
}

/**
 * One-hot filters `[k, k, 1, moves]` whose output channel `m` reads the
 * input at offset `offsets[m]` (a 'same' convolution shifts by it).
 */
function shiftFilter(offsets: [number, number][], reach: number): tf.Tensor4D {
  const side = 2 * reach + 1;
  const values = new Float32Array(side * side * offsets.length);
  offsets.forEach(([dx, dy], m) => {
    values[((dy + reach) * side + dx + reach) * offsets.length + m] = 1;
  });
  return tf.tensor4d(values, [side, side, 1, offsets.length]);
}

/**
 * Where each move's products read the two frames: `prev` at `-a` and
 * `next` at `D - a`, with `a = floor(D / 2)`.
 */
function bilateralOffsets(radius: number): ProductOffsets[] {
  return displacements(radius).map(([dx, dy]) => {
    const ax = -Math.floor(dx / 2);
    const ay = -Math.floor(dy / 2);
    return { ax, ay, bx: ax + dx, by: ay + dy };
  });
}

/**
 * {@link shiftedProduct} from stock ops, for backends without its
 * kernels: each input's shifted copies from one convolution with one-hot
 * filters (far faster than slicing per move), then a multiply. Exported
 * for the tests that check both forms agree.
 */
export function shiftedProductByConv(
  a: tf.Tensor4D,
  b: tf.Tensor4D,
  offsets: ProductOffsets[],
): tf.Tensor4D {
  return tf.tidy(() => {
    const reach = Math.max(...offsets.map((o) => Math.max(
      Math.abs(o.ax), Math.abs(o.ay), Math.abs(o.bx), Math.abs(o.by))));
    const shiftedA = tf.conv2d(a, shiftFilter(
      offsets.map((o): [number, number] => [o.ax, o.ay]), reach), 1, 'same');
    const shiftedB = tf.conv2d(b, shiftFilter(
      offsets.map((o): [number, number] => [o.bx, o.by]), reach), 1, 'same');
    return tf.mul(shiftedA, shiftedB);
  });
}

/**
 * Bilateral block-matching cost for a middle frame: inputs
 * `[prev, next]` (`[b, h, w, c]` images of one level), output
 * `[b, h, w, (2r + 1) ** 2]` whose channel for move `D` is the mean, over
 * an `aggregate`-sided block around `x`, of the products of the locally
 * normalised grey values of `prev(x - a)` and `next(x + D - a)` with
 * `a = floor(D / 2)`: how well a straight motion by `D` over the
 * interval, passing through `x` midway, explains both frames (about 1 for
 * a perfect match, about 0 for none). Moves with an odd part pass half a
 * pixel from `x`; searching every whole move, not only even ones, is what
 * finds motions of half a pixel per half interval. The products come
 * from the project's shifted-product kernel where the backend has it
 * (wasm, cpu), else from one-hot convolutions. The layer has no
 * weights. Registered as `BilateralCost`.
 */
export class BilateralCost extends tf.layers.Layer {
  static className = 'BilateralCost';
  readonly radius: number;
  readonly normWindow: number;
  readonly aggregate: number;

  constructor(args: BilateralCostArgs) {
    super({ name: args.name });
    this.radius = args.radius;
    this.normWindow = args.normWindow;
    this.aggregate = args.aggregate;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = (inputShape as tf.Shape[])[0];
    return [batch, height, width, (2 * this.radius + 1) ** 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [prev, next] = inputs as tf.Tensor4D[];
    return tf.tidy(() => {
      const [a, b] = normalisePair(prev, next, this.normWindow);
      const offsets = bilateralOffsets(this.radius);
      const products = hasShiftedProductKernels()
        ? shiftedProduct(a, b, offsets)
        : shiftedProductByConv(a, b, offsets);
      return boxMean(products, this.aggregate);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      radius: this.radius,
      normWindow: this.normWindow,
      aggregate: this.aggregate,
    };
  }
}
tf.serialization.registerClass(BilateralCost);

/** Starting sharpness of {@link SoftFlow}: with correlations in [-1, 1],
 * a match better by 0.02 weighs e (2.7) times more. */
const INITIAL_SHARPNESS = 25;

/**
 * Prior against long moves, subtracted from the correlation: `|d|^2`
 * times this (`d` the half move, in pixels of the level). Where blocks are
 * flat and every move matches about as badly, it picks the shortest; a
 * clear match (correlation near 1 over near 0) outweighs it up to the
 * radius-6 coarse search (penalty 0.18 at its corners).
 */
const MOVE_PENALTY = 0.01;

/**
 * Soft arg-max of a {@link BilateralCost} volume: input `[b, h, w, n]`,
 * output the expected half move `d = D / 2`, `[b, h, w, 2]` (x, y), under
 * `softmax(sharpness * (cost - MOVE_PENALTY * |d|^2))`, i.e. the flow from
 * the middle frame to the next frame; the flow to the previous frame is
 * its negative. `sharpness`
 * is a trained scalar, stored as its logarithm so it stays positive.
 * Registered as `SoftFlow`.
 */
export class SoftFlow extends tf.layers.Layer {
  static className = 'SoftFlow';
  readonly radius: number;
  private logSharpness: tf.LayerVariable | null = null;

  constructor(args: CostVolumeArgs) {
    super({ name: args.name });
    this.radius = args.radius;
  }

  override build(): void {
    this.logSharpness = this.addWeight(
      'log_sharpness',
      [1],
      'float32',
      tf.initializers.constant({ value: Math.log(INITIAL_SHARPNESS) }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = inputShape as tf.Shape;
    return [batch, height, width, 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const cost = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      const sharpness = tf.exp(this.logSharpness!.read());
      const moves = tf.tensor2d(displacements(this.radius));
      const table = tf.mul(moves, 0.5);
      const lengths = tf.sum(tf.square(table), 1);
      const penalised = tf.sub(cost, tf.mul(lengths, MOVE_PENALTY));
      const weights = tf.softmax(tf.mul(penalised, sharpness), -1);
      const [batch, height, width, count] = cost.shape;
      return tf.matMul(weights.reshape([-1, count]), table)
        .reshape([batch, height, width, 2]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), radius: this.radius };
  }
}
tf.serialization.registerClass(SoftFlow);
