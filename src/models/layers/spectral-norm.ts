import * as tf from '@tensorflow/tfjs';

/**
 * Identity in the forward pass, zero gradient in the backward pass: what
 * other frameworks call `stop_gradient`/`detach`, which tfjs lacks. Use it
 * for values that must be constants to the tape, e.g. the generator's frame
 * in the discriminator step.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const identity = tf.customGrad((...args) => {
    const input = args[0] as tf.Tensor;
    return {
      value: tf.clone(input),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) =>
        tf.zerosLike(dy as tf.Tensor),
    };
  });
  return identity(x) as T;
}

/** x / (||x|| + 1e-12) over all elements. */
function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.add(tf.norm(x), 1e-12));
}

/**
 * One spectral normalisation of a weight matrix by power iteration.
 * @param weights `[rows, cols]`, e.g. a conv kernel reshaped to
 *   `[kh * kw * inChannels, filters]`.
 * @param u `[cols, 1]` estimate of the top right singular vector, any
 *   non-zero scale.
 * @param iterations Power iterations, >= 0 (0 only estimates sigma).
 * @returns `normalized` = weights / sigma, with gradient through sigma to
 *   `weights` (u and v are constants, as in Miyato et al. 2018), the new
 *   `u`, and `sigma`, the estimate of the largest singular value.
 */
export function spectralNormalize(
  weights: tf.Tensor2D,
  u: tf.Tensor2D,
  iterations: number,
): { normalized: tf.Tensor2D; u: tf.Tensor2D; sigma: tf.Scalar } {
  return tf.tidy(() => {
    const constant = stopGradient(weights);
    // Normalising u first makes sigma right whatever u's scale (a fresh
    // layer's random u, or 0 iterations at inference).
    let uNext: tf.Tensor = l2Normalize(stopGradient(u));
    for (let i = 0; i < iterations; i++) {
      const v = l2Normalize(tf.matMul(constant, uNext as tf.Tensor2D));
      uNext = l2Normalize(tf.matMul(constant, v as tf.Tensor2D, true));
    }
    const v = l2Normalize(tf.matMul(constant, uNext as tf.Tensor2D));
    const sigma = tf.sum(tf.mul(v, tf.matMul(weights, uNext as tf.Tensor2D)));
    return {
      normalized: tf.div(weights, sigma) as tf.Tensor2D,
      u: uNext as tf.Tensor2D,
      sigma: sigma as tf.Scalar,
    };
  });
}

/**
 * Seed of a layer's `u` initialiser. tfjs's Gaussian sampler treats a
 * seed of 0 as no seed and draws from `Math.random`, so `u` of a layer
 * seeded 0 (the first discriminator layer under the default config seed)
 * differed between builds. `seed + 0.5` is never 0 for an integer seed and
 * never equals an integer kernel seed of another layer.
 */
function uSeedOf(seed: number): number {
  return seed + 0.5;
}

/** Arguments of {@link SpectralConv2D}. */
export interface SpectralConv2DArgs {
  /** Layer name; keeps weight names stable across builds. */
  name?: string;
  /** Output channels, >= 1. */
  filters: number;
  /** Square kernel side, >= 1. */
  kernelSize: number;
  /** Stride in both directions, >= 1. Default 1. Padding is `same`. */
  strides?: number;
  /** Power iterations per training call, >= 1. Default 1. */
  powerIterations?: number;
  /**
   * Integer seed of the kernel and `u` initialisers: the same seed gives
   * the same initial weights. Default: unseeded.
   */
  seed?: number;
}

/**
 * 2-D convolution (`same` padding, with bias) whose kernel is divided by
 * its largest singular value, estimated by power iteration. Weights:
 * `kernel` `[k, k, in, filters]` and `bias` `[filters]` (trainable), and
 * `u` `[filters, 1]` (not trainable; saved with the model so a restored
 * discriminator continues the same estimate). `u` advances only in calls
 * with `training: true`. Registered for (de)serialisation as
 * `SpectralConv2D`.
 */
export class SpectralConv2D extends tf.layers.Layer {
  static className = 'SpectralConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly powerIterations: number;
  readonly seed: number | undefined;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;
  private u?: tf.LayerVariable;

  constructor(args: SpectralConv2DArgs) {
    super({ name: args.name });
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides ?? 1;
    this.powerIterations = args.powerIterations ?? 1;
    this.seed = args.seed;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = inputShape as tf.Shape;
    const inChannels = shape[shape.length - 1] as number;
    const k = this.kernelSize;
    this.kernel = this.addWeight(
      'kernel',
      [k, k, inChannels, this.filters],
      'float32',
      tf.initializers.glorotUniform({ seed: this.seed }),
    );
    this.bias = this.addWeight(
      'bias',
      [this.filters],
      'float32',
      tf.initializers.zeros(),
    );
    this.u = this.addWeight(
      'u',
      [this.filters, 1],
      'float32',
      tf.initializers.randomNormal({
        stddev: 1,
        seed: this.seed === undefined ? undefined : uSeedOf(this.seed),
      }),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, height, width] = inputShape as tf.Shape;
    const shrink = (size: number | null) =>
      size === null ? null : Math.ceil(size / this.strides);
    return [batch, shrink(height), shrink(width), this.filters];
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: { training?: boolean },
  ): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const kernel = this.kernel as tf.LayerVariable;
    const u = this.u as tf.LayerVariable;
    const training = kwargs.training === true;

    return tf.tidy(() => {
      const weights = kernel.read();
      const matrix = tf.reshape(weights, [-1, this.filters]) as tf.Tensor2D;
      const result = spectralNormalize(
        matrix,
        u.read() as tf.Tensor2D,
        training ? this.powerIterations : 0,
      );
      if (training) {
        u.write(result.u);
      }
      const normalized = tf.reshape(result.normalized, weights.shape);
      const y = tf.conv2d(
        x,
        normalized as tf.Tensor4D,
        this.strides,
        'same',
      );
      return tf.add(y, (this.bias as tf.LayerVariable).read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      powerIterations: this.powerIterations,
    };
    if (this.seed !== undefined) {
      config.seed = this.seed;
    }
    return config;
  }
}
tf.serialization.registerClass(SpectralConv2D);
