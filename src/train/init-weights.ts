import * as tf from '@tensorflow/tfjs';

interface SerializedInitializer {
  className?: string;
  config?: { scale?: number; mode?: string; distribution?: string };
}

/** Glorot-uniform serialises as variance scaling, fan average, uniform. */
function isGlorotUniform(value: unknown): boolean {
  const init = value as SerializedInitializer | undefined;
  return (
    init?.className === 'VarianceScaling' &&
    init.config?.scale === 1 &&
    init.config.mode === 'fanAvg' &&
    init.config.distribution === 'uniform'
  );
}

/**
 * Re-draws every Glorot-uniform kernel of `model` from a seeded
 * initialiser, so that the same seed gives the same starting weights.
 * Kernels with other initialisers (the generator's zero-initialised heads)
 * and biases keep their values.
 *
 * Paper note: not in the paper; `createGenerator` draws its kernels from
 * unseeded initialisers, and reproducible runs need seeded ones.
 * @param seed Base seed; layer `i` uses `seed * 1000 + i`.
 */
export function seedGlorotKernels(model: tf.LayersModel, seed: number): void {
  model.layers.forEach((layer, index) => {
    if (!isGlorotUniform(layer.getConfig().kernelInitializer)) {
      return;
    }
    // tfjs appends `_<n>` to the names of a second model's variables.
    const kernel = layer.weights.find((w) => /\/kernel(_\d+)?$/.test(w.name));
    if (!kernel) {
      return;
    }
    const initializer = tf.initializers.glorotUniform({
      seed: seed * 1000 + index,
    });
    const values = initializer.apply(kernel.shape);
    kernel.write(values);
    values.dispose();
  });
}
