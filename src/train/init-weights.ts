import * as tf from '@tensorflow/tfjs';

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
    const config = layer.getConfig();
    const init = config.kernelInitializer as { className?: string } | undefined;
    if (init?.className !== 'GlorotUniform') {
      return;
    }
    const kernel = layer.weights.find((w) => w.name.endsWith('kernel'));
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
