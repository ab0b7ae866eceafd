/**
 * Validation during training: PSNR and SSIM of the generator on held-out
 * triplets, on whole frames, through the same model-interpolator path and
 * metrics module as `fruc eval` (8-bit rounded output).
 */
import type * as tf from '@tensorflow/tfjs';

import type { TripletRef } from '../data/triplet-layouts.ts';
import { computeMetrics } from '../eval/metrics.ts';
import type { Frame } from '../image/frame.ts';
import { readPng } from '../image/png-io.ts';
import { createModelInterpolator } from '../models/model-interpolator.ts';
import type { GeneratorConfig } from '../models/generator.ts';

/** Mean metrics over the validation triplets. */
export interface ValidationResult {
  /** Mean PSNR in dB. */
  psnr: number;
  /** Mean SSIM, [-1, 1]. */
  ssim: number;
  /** Triplets measured. */
  samples: number;
}

/** Runs validation on a fixed set of triplets. */
export interface Validator {
  /**
   * Decodes the frames now (else the first run does), so that an
   * unreadable one is found before training starts.
   */
  load(): Promise<void>;
  run(generator: tf.LayersModel): Promise<ValidationResult>;
}

type FrameTriplet = { prev: Frame; middle: Frame; next: Frame };

/**
 * Creates a validator over `triplets`; their frames are decoded once, by
 * `load()` or the first run, and kept in memory.
 */
export function createValidator(
  triplets: TripletRef[],
  config: GeneratorConfig,
): Validator {
  let decoding: Promise<FrameTriplet[]> | undefined;
  const load = () => {
    decoding ??= Promise.all(
      triplets.map(async (t) => ({
        prev: await readPng(t.prev),
        middle: await readPng(t.middle),
        next: await readPng(t.next),
      })),
    );
    return decoding;
  };
  return {
    async load() {
      await load();
    },
    async run(generator) {
      const frames = await load();
      // Not disposed: the interpolator's dispose() would free the model.
      const interpolator = createModelInterpolator(
        generator, config, 'validation');
      let psnr = 0;
      let ssim = 0;
      for (const triplet of frames) {
        const out = await interpolator.interpolate(triplet.prev, triplet.next);
        const metrics = computeMetrics(triplet.middle, out);
        psnr += metrics.psnr;
        ssim += metrics.ssim;
      }
      const samples = frames.length;
      return { psnr: psnr / samples, ssim: ssim / samples, samples };
    },
  };
}
