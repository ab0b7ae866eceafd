import * as tf from '@tensorflow/tfjs';

/** Arguments of {@link ResizeScale}. */
export interface ResizeScaleArgs {
  /** Layer name (keeps weight and node names stable across builds). */
  name: string;
  /** Integer upsampling factor, at least 1. */
  factor: number;
  /** Values are multiplied by this after resizing: `factor` for flow
   * fields (displacements grow with the frame), 1 for masks and images. */
  valueScale: number;
}

/**
 * Bilinear upsampling by an integer factor followed by a constant scale:
 * `[b, h, w, c]` to `[b, h * factor, w * factor, c]`. Registered for
 * (de)serialisation as `ResizeScale`.
 */
export class ResizeScale extends tf.layers.Layer {
  static className = 'ResizeScale';
  readonly factor: number;
  readonly valueScale: number;

  constructor(args: ResizeScaleArgs) {
    super({ name: args.name });
    this.factor = args.factor;
    this.valueScale = args.valueScale;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width, channels] = inputShape as tf.Shape;
    const grow = (size: number | null) =>
      size === null ? null : size * this.factor;
    return [batch, grow(height), grow(width), channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.tidy(() => {
      const [, height, width] = x.shape;
      const resized = this.factor === 1 ? x : tf.image.resizeBilinear(x, [
        height * this.factor,
        width * this.factor,
      ]);
      return this.valueScale === 1 ? resized : tf.mul(resized, this.valueScale);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      factor: this.factor,
      valueScale: this.valueScale,
    };
  }
}
tf.serialization.registerClass(ResizeScale);

/**
 * Occlusion-aware blend: inputs `[warpedPrev, warpedNext, maskLogit]`
 * (`[b, h, w, 3]`, `[b, h, w, 3]`, `[b, h, w, 1]`); output
 * `m * warpedPrev + (1 - m) * warpedNext` with `m = sigmoid(maskLogit)`,
 * so a zero logit is a plain average. Registered as `OcclusionBlend`.
 */
export class OcclusionBlend extends tf.layers.Layer {
  static className = 'OcclusionBlend';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return (inputShape as tf.Shape[])[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [warpedPrev, warpedNext, maskLogit] = inputs as tf.Tensor[];
    return tf.tidy(() => {
      const mask = tf.sigmoid(maskLogit);
      return tf.add(
        warpedNext,
        tf.mul(mask, tf.sub(warpedPrev, warpedNext)),
      );
    });
  }
}
tf.serialization.registerClass(OcclusionBlend);

/** Arguments of {@link ChannelSlice}. */
export interface ChannelSliceArgs {
  /** Layer name (keeps node names stable across builds). */
  name: string;
  /** First channel kept. */
  start: number;
  /** Channels kept. */
  size: number;
}

/**
 * Channels `[start, start + size)` of its input: `[b, h, w, c]` to
 * `[b, h, w, size]`. Lets one convolution compute several heads at once.
 * Registered as `ChannelSlice`.
 */
export class ChannelSlice extends tf.layers.Layer {
  static className = 'ChannelSlice';
  readonly start: number;
  readonly size: number;

  constructor(args: ChannelSliceArgs) {
    super({ name: args.name });
    this.start = args.start;
    this.size = args.size;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = inputShape as tf.Shape;
    return [batch, height, width, this.size];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    return tf.slice(x, [0, 0, 0, this.start], [-1, -1, -1, this.size]);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), start: this.start, size: this.size };
  }
}
tf.serialization.registerClass(ChannelSlice);
