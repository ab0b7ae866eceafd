import type * as tf from '@tensorflow/tfjs';

/**
 * Frees every weight of a functional model, shared layers included.
 *
 * tfjs-layers counts each symbolic application of a layer as a reference,
 * so `model.dispose()` leaves the weights of a layer applied twice in the
 * same graph (the generator's encoder, shared by both frames) alive. This
 * drops the remaining references of such layers as well.
 */
export function disposeLayersModel(model: tf.LayersModel): void {
  model.dispose();
  for (const layer of model.layers) {
    for (let extra = layer.inboundNodes.length - 1; extra > 0; extra--) {
      layer.dispose();
    }
  }
}
