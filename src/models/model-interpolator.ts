import * as tf from '@tensorflow/tfjs';
import { basename } from 'node:path';

import { assertSameSize, type Frame } from '../image/frame.ts';
import { getLogger } from '../util/logger.ts';
import { loadGeneratorCheckpoint } from './checkpoint.ts';
import { disposeLayersModel } from './dispose.ts';
import { sizeMultiple, type GeneratorConfig } from './generator.ts';
import type { Interpolator } from './interpolator.ts';

/** Smallest multiple of `multiple` that is at least `size`. */
function roundUp(size: number, multiple: number): number {
  return Math.ceil(size / multiple) * multiple;
}

/**
 * Converts a frame to `[1, height, width, 3]` floats in [0, 1], padded on
 * the right and bottom to `width` x `height` by repeating the edge pixels
 * (replicate padding: no artificial edge for the motion estimate to track).
 */
function toPaddedTensor(
  frame: Frame,
  width: number,
  height: number,
): tf.Tensor4D {
  const values = new Float32Array(width * height * 3);
  const scale = 1 / 255;
  for (let y = 0; y < height; y++) {
    const srcRow = Math.min(y, frame.height - 1) * frame.width;
    for (let x = 0; x < width; x++) {
      const src = (srcRow + Math.min(x, frame.width - 1)) * 3;
      const dst = (y * width + x) * 3;
      values[dst] = frame.data[src] * scale;
      values[dst + 1] = frame.data[src + 1] * scale;
      values[dst + 2] = frame.data[src + 2] * scale;
    }
  }
  return tf.tensor4d(values, [1, height, width, 3]);
}

/**
 * Wraps an in-memory generator (see `createGenerator`) as an
 * {@link Interpolator}. Frames of any size are padded to the model's size
 * multiple and cropped back; the output is clamped and rounded half up to
 * 8 bits. The active backend is used; `dispose()` frees the model.
 */
export function createModelInterpolator(
  model: tf.LayersModel,
  config: GeneratorConfig,
  name: string,
): Interpolator {
  const multiple = sizeMultiple(config);
  return {
    name,
    async interpolate(prev: Frame, next: Frame): Promise<Frame> {
      assertSameSize(prev, next, name);
      const { width, height } = prev;
      const paddedWidth = roundUp(width, multiple);
      const paddedHeight = roundUp(height, multiple);

      const middle = tf.tidy(() => {
        const inputs = [
          toPaddedTensor(prev, paddedWidth, paddedHeight),
          toPaddedTensor(next, paddedWidth, paddedHeight),
        ];
        const output = model.predict(inputs) as tf.Tensor4D;
        return tf.clipByValue(
          tf.mul(tf.slice(output, [0, 0, 0, 0], [1, height, width, 3]), 255),
          0,
          255,
        );
      });
      const values = await middle.data();
      middle.dispose();

      const data = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i++) {
        data[i] = Math.floor(values[i] + 0.5);
      }
      return { width, height, data };
    },
    dispose() {
      disposeLayersModel(model);
    },
  };
}

/**
 * Loads a generator checkpoint folder (see `saveCheckpoint`) as an
 * interpolator named `model:<folder name>`. The caller has already selected
 * the backend. Throws the checkpoint errors of `src/models/errors.ts`.
 */
export async function loadModelInterpolator(
  dir: string,
): Promise<Interpolator> {
  getLogger().info(`restoring checkpoint ${dir}`);
  const { model, info } = await loadGeneratorCheckpoint(dir);
  return createModelInterpolator(
    model,
    info.generator,
    `model:${basename(dir)}`,
  );
}
