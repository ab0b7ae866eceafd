import * as tf from '@tensorflow/tfjs';

import {
  candidateOffsets,
  clampedRun,
  FLOW_PROPAGATE,
  FLOW_PROPAGATE_GRAD,
  hasFlowPropagateKernels,
  type PropagationAttrs,
} from '../../kernels/flow-propagation.ts';
import { backwardWarp } from './backward-warp.ts';

/** Index `i + shift` clamped to `[0, size - 1]` for every `i`, as the
 * kernel reads its sources. */
function shiftedIndices(size: number, shift: number): tf.Tensor1D {
  return tf.tensor1d(clampedRun(size, shift), 'int32');
}

/** `x` read at `(i + dx, j + dy)`, clamped to the frame, for every pixel. */
function shiftClamped(x: tf.Tensor4D, [dx, dy]: [number, number]):
  tf.Tensor4D {
  const [, height, width] = x.shape;
  let out = x;
  if (dx !== 0) {
    out = tf.gather(out, shiftedIndices(width, dx), 2);
  }
  if (dy !== 0) {
    out = tf.gather(out, shiftedIndices(height, dy), 1);
  }
  return out;
}

/** Transpose of {@link shiftClamped}: each value summed back into the
 * pixel it was read from. */
function unshiftClamped(g: tf.Tensor4D, [dx, dy]: [number, number]):
  tf.Tensor4D {
  const [, height, width] = g.shape;
  const scatter = (x: tf.Tensor4D, axis: 1 | 2, size: number,
    shift: number) => {
    const front = tf.transpose(x, axis === 2 ? [2, 0, 1, 3] : [1, 0, 2, 3]);
    const summed = tf.unsortedSegmentSum(front, shiftedIndices(size, shift),
      size);
    return tf.transpose(summed,
      axis === 2 ? [1, 2, 0, 3] : [1, 0, 2, 3]) as tf.Tensor4D;
  };
  let out = g;
  if (dy !== 0) {
    out = scatter(out, 1, height, dy);
  }
  if (dx !== 0) {
    out = scatter(out, 2, width, dx);
  }
  return out;
}

/**
 * {@link flowPropagate}'s forward pass from stock ops: the new flows and
 * the candidate weights. Exported for the tests that check it against the
 * kernel.
 */
export function flowPropagateByOps(
  greyPrev: tf.Tensor4D,
  greyNext: tf.Tensor4D,
  flows: tf.Tensor4D,
  attrs: PropagationAttrs,
): [tf.Tensor4D, tf.Tensor4D] {
  return tf.tidy(() => {
    const offsets = candidateOffsets(attrs.spacing);
    const candidates = offsets.map((offset) => shiftClamped(flows, offset));
    const errors = candidates.map((c) => {
      const prev = backwardWarp(greyPrev, tf.slice(c, [0, 0, 0, 0],
        [-1, -1, -1, 2]));
      const next = backwardWarp(greyNext, tf.slice(c, [0, 0, 0, 2],
        [-1, -1, -1, 2]));
      return tf.avgPool(tf.abs(tf.sub(prev, next)) as tf.Tensor4D,
        attrs.block, 1, 'same');
    });
    const weights = tf.softmax(
      tf.div(tf.neg(tf.concat(errors, -1)), attrs.temperature), -1,
    ) as tf.Tensor4D;
    const parts = candidates.map((c, k) =>
      tf.mul(c, tf.slice(weights, [0, 0, 0, k], [-1, -1, -1, 1])));
    return [tf.addN(parts) as tf.Tensor4D, weights];
  });
}

/** Gradient of {@link flowPropagate} w.r.t. `flows` for given weights,
 * from stock ops. Exported for the tests. */
export function flowPropagateGradByOps(
  dy: tf.Tensor4D,
  weights: tf.Tensor4D,
  spacing: number,
): tf.Tensor4D {
  return tf.tidy(() => tf.addN(candidateOffsets(spacing).map((offset, k) =>
    unshiftClamped(tf.mul(dy, tf.slice(weights, [0, 0, 0, k],
      [-1, -1, -1, 1])) as tf.Tensor4D, offset))) as tf.Tensor4D);
}

/**
 * One pass of motion propagation: every pixel tries its own motion and
 * that of its four neighbours `spacing` pixels away, scores each by how
 * well it aligns the two frames (mean absolute difference of the grey
 * frames warped by it, over a `block`-sided square) and takes their
 * softmin-weighted mean. Where block matching has smeared the motion of an
 * object across its edge, the neighbour inside the object or inside the
 * background explains the pixel better and wins.
 *
 * @param greyPrev `[b, h, w, 1]` previous frame, grey.
 * @param greyNext `[b, h, w, 1]` next frame, grey.
 * @param flows `[b, h, w, 4]`: flow to the previous frame, then to the
 *   next, in pixels.
 * @returns the new `[b, h, w, 4]` flows; the gradient w.r.t. `flows`
 *   holds the weights fixed (the choice itself is not differentiated).
 */
export function flowPropagate(
  greyPrev: tf.Tensor4D,
  greyNext: tf.Tensor4D,
  flows: tf.Tensor4D,
  attrs: PropagationAttrs,
): tf.Tensor4D {
  const kernels = hasFlowPropagateKernels();
  const named = attrs as unknown as tf.NamedAttrMap;
  const step = tf.customGrad<tf.Tensor4D>((...args) => {
    const flowsIn = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const [value, weights] = kernels
      ? tf.engine().runKernel(FLOW_PROPAGATE,
        { greyPrev, greyNext, flows: flowsIn }, named) as tf.Tensor4D[]
      : flowPropagateByOps(greyPrev, greyNext, flowsIn, attrs);
    save([weights]);
    return {
      value,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => kernels
        ? tf.engine().runKernel(FLOW_PROPAGATE_GRAD,
          { dy, weights: saved[0] }, named) as tf.Tensor4D
        : flowPropagateGradByOps(dy, saved[0] as tf.Tensor4D, attrs.spacing),
    };
  });
  return step(flows) as tf.Tensor4D;
}

/** Arguments of {@link FlowPropagation}. */
export interface FlowPropagationArgs extends PropagationAttrs {
  /** Layer name (keeps node names stable across builds). */
  name: string;
  /** Passes, each starting from the flows of the one before. */
  passes: number;
}

/**
 * Layer form of {@link flowPropagate}, repeated `passes` times: inputs
 * `[prev, next, flowPrev, flowNext]` (`[b, h, w, 3]` images of one level,
 * `[b, h, w, 2]` flows in its pixels), output both flows as
 * `[b, h, w, 4]`. No weights. Registered as `FlowPropagation`.
 */
export class FlowPropagation extends tf.layers.Layer {
  static className = 'FlowPropagation';
  readonly attrs: PropagationAttrs;
  readonly passes: number;

  constructor(args: FlowPropagationArgs) {
    super({ name: args.name });
    this.attrs = {
      spacing: args.spacing,
      block: args.block,
      temperature: args.temperature,
    };
    this.passes = args.passes;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = (inputShape as tf.Shape[])[2];
    return [batch, height, width, 4];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [prev, next, flowPrev, flowNext] = inputs as tf.Tensor4D[];
    return tf.tidy(() => {
      const greyPrev = tf.mean(prev, -1, true) as tf.Tensor4D;
      const greyNext = tf.mean(next, -1, true) as tf.Tensor4D;
      let flows = tf.concat([flowPrev, flowNext], -1) as tf.Tensor4D;
      for (let pass = 0; pass < this.passes; pass++) {
        flows = flowPropagate(greyPrev, greyNext, flows, this.attrs);
      }
      return flows;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.attrs, passes: this.passes };
  }
}
tf.serialization.registerClass(FlowPropagation);
