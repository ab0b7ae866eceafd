import * as tf from '@tensorflow/tfjs';

import {
  hasWarpKernels,
  WARP_BILINEAR,
  WARP_BILINEAR_FLOW_GRAD,
} from '../../kernels/warp-bilinear.ts';

/** Pixel coordinates `(x, y)` of every pixel, `[1, height, width, 2]`. */
function pixelGrid(height: number, width: number): tf.Tensor4D {
  const values = new Float32Array(height * width * 2);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 2;
      values[at] = x;
      values[at + 1] = y;
    }
  }
  return tf.tensor4d(values, [1, height, width, 2]);
}

/**
 * Bilinear samples of `image` at `points` (pixel coordinates `(x, y)`,
 * `[batch, height, width, 2]`), clamped to the frame. One CropAndResize
 * call with a 1x1 box per pixel does the sampling: a native kernel on every
 * backend, many times faster on wasm than gathering the four corners.
 */
function sampleBilinear(image: tf.Tensor4D, points: tf.Tensor4D): tf.Tensor4D {
  const [batch, height, width, channels] = image.shape;
  const count = batch * height * width;
  const perX = width > 1 ? 1 / (width - 1) : 0;
  const perY = height > 1 ? 1 / (height - 1) : 0;
  // Rows (x, y) times this give boxes (y1, x1, y2, x2) in [0, 1] units.
  const toBoxes = tf.tensor2d([
    [0, perX, 0, perX],
    [perY, 0, perY, 0],
  ]);
  const boxes = tf.clipByValue(
    tf.matMul(points.reshape([count, 2]), toBoxes),
    0,
    1,
  ) as tf.Tensor2D;
  const boxBatch = new Int32Array(count);
  for (let b = 1; b < batch; b++) {
    boxBatch.fill(b, b * height * width, (b + 1) * height * width);
  }
  return tf.image
    .cropAndResize(image, boxes, tf.tensor1d(boxBatch, 'int32'), [1, 1])
    .reshape([batch, height, width, channels]);
}

/**
 * Gradient of the warped image w.r.t. the flow. The bilinear sample is
 * linear in x between columns floor(x) and floor(x) + 1, so its x-slope is
 * the forward difference image sampled at (floor(x), y); likewise for y.
 * Where a coordinate was clamped to the border the slope is zero.
 */
function flowGradient(
  image: tf.Tensor4D,
  flow: tf.Tensor4D,
  dy: tf.Tensor4D,
): tf.Tensor4D {
  const [batch, height, width, channels] = image.shape;
  const points = tf.add(pixelGrid(height, width), flow) as tf.Tensor4D;
  const limits = tf.tensor1d([width - 1, height - 1]);
  const clamped = tf.minimum(tf.relu(points), limits);
  const inside = tf.logicalAnd(
    tf.greaterEqual(points, 0),
    tf.lessEqual(points, limits),
  );
  const floored = tf.floor(clamped);
  const [floorX, floorY] = tf.split(floored, 2, 3);
  const [pointX, pointY] = tf.split(clamped, 2, 3);

  const zeroColumn = tf.zeros([batch, height, 1, channels]);
  const zeroRow = tf.zeros([batch, 1, width, channels]);
  const diffX = tf.concat([
    tf.sub(
      tf.slice(image, [0, 0, 1, 0], [-1, -1, -1, -1]),
      tf.slice(image, [0, 0, 0, 0], [-1, -1, width - 1, -1]),
    ),
    zeroColumn,
  ], 2) as tf.Tensor4D;
  const diffY = tf.concat([
    tf.sub(
      tf.slice(image, [0, 1, 0, 0], [-1, -1, -1, -1]),
      tf.slice(image, [0, 0, 0, 0], [-1, height - 1, -1, -1]),
    ),
    zeroRow,
  ], 1) as tf.Tensor4D;
  const slopeX = sampleBilinear(
    diffX,
    tf.concat([floorX, pointY], 3) as tf.Tensor4D,
  );
  const slopeY = sampleBilinear(
    diffY,
    tf.concat([pointX, floorY], 3) as tf.Tensor4D,
  );
  const gradX = tf.sum(tf.mul(dy, slopeX), 3, true);
  const gradY = tf.sum(tf.mul(dy, slopeY), 3, true);
  return tf.where(
    inside,
    tf.concat([gradX, gradY], 3),
    tf.zerosLike(flow),
  ) as tf.Tensor4D;
}

/**
 * Samples `image` at `(x + flow_x, y + flow_y)` for every output pixel
 * (backward warping) with bilinear weights. Sample positions outside the
 * frame are clamped to its border (edge pixels are replicated).
 *
 * Differentiable w.r.t. `flow` (analytic gradient, checked against finite
 * differences in the tests). Limitation: no gradient reaches `image`; the
 * generator warps only its input frames, and the scatter kernel that image
 * gradients need (UnsortedSegmentSum) is missing on wasm.
 *
 * @param image `[batch, height, width, channels]`, float32, any range.
 * @param flow `[batch, height, width, 2]`, displacement in pixels; channel
 *   0 is horizontal (right is positive), channel 1 vertical (down).
 * @returns `[batch, height, width, channels]`.
 */
export function backwardWarp(
  image: tf.Tensor4D,
  flow: tf.Tensor4D,
): tf.Tensor4D {
  const [batch, height, width] = image.shape;
  const [fb, fh, fw, fc] = flow.shape;
  if (fb !== batch || fh !== height || fw !== width || fc !== 2) {
    throw new Error(
      `backwardWarp: flow must be [${batch}, ${height}, ${width}, 2], ` +
        `but got [${flow.shape.join(', ')}].`,
    );
  }

  if (hasWarpKernels()) {
    return warpWithKernels(image, flow);
  }
  return warpComposite(image, flow);
}

/** {@link backwardWarp} through the project's warp kernels (wasm, cpu). */
function warpWithKernels(image: tf.Tensor4D, flow: tf.Tensor4D): tf.Tensor4D {
  const warp = tf.customGrad<tf.Tensor4D>((...args) => {
    const flowIn = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const imageIn =
      image.dtype === 'float32' ? image : tf.cast(image, 'float32');
    save([imageIn, flowIn]);
    const value = tf.engine().runKernel(WARP_BILINEAR, {
      image: imageIn,
      flow: flowIn,
    }) as tf.Tensor4D;
    return {
      value,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
        tf.engine().runKernel(WARP_BILINEAR_FLOW_GRAD, {
          image: saved[0],
          flow: saved[1],
          dy,
        }) as tf.Tensor4D,
    };
  });
  return warp(flow) as tf.Tensor4D;
}

/**
 * {@link backwardWarp} from stock ops (CropAndResize), for backends
 * without the warp kernels. Exported for the tests that check both forms
 * agree.
 */
export function warpComposite(
  image: tf.Tensor4D,
  flow: tf.Tensor4D,
): tf.Tensor4D {
  const [, height, width] = image.shape;
  const warp = tf.customGrad<tf.Tensor4D>((...args) => {
    const flowIn = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    save([image, flowIn]);
    const points = tf.add(pixelGrid(height, width), flowIn) as tf.Tensor4D;
    return {
      value: sampleBilinear(image, points),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) =>
        tf.tidy(() =>
          flowGradient(
            saved[0] as tf.Tensor4D,
            saved[1] as tf.Tensor4D,
            dy,
          ),
        ),
    };
  });
  return warp(flow) as tf.Tensor4D;
}

/**
 * Layer form of {@link backwardWarp}: inputs `[image, flow]`, output the
 * warped image. Registered for (de)serialisation as `BackwardWarp`.
 */
export class BackwardWarp extends tf.layers.Layer {
  static className = 'BackwardWarp';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (inputShape as tf.Shape[])[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [image, flow] = inputs as tf.Tensor4D[];
    return backwardWarp(image, flow);
  }
}
tf.serialization.registerClass(BackwardWarp);
