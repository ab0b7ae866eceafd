import * as tf from '@tensorflow/tfjs';

import { GeneratorConfigError } from './errors.ts';
import { BackwardWarp } from './layers/backward-warp.ts';
import { OcclusionBlend, ResizeScale } from './layers/flow-layers.ts';

/**
 * Size and depth of the interpolation generator.
 *
 * Frames given to the model must have a height and width that are
 * multiples of {@link sizeMultiple} (`2 ** levels`); the model interpolator
 * pads and crops for that, so callers may pass any size.
 */
export interface GeneratorConfig {
  /**
   * Base channel count `c`. Pyramid level `k` (resolution `1 / 2 ** k`)
   * carries `c * k` channels; parameters grow about with `c ** 2`.
   * Integer in [4, 64]; default 16.
   */
  width: number;
  /**
   * Pyramid levels `L`. Motion is first estimated at `1 / 2 ** L`
   * resolution and refined at each finer level down to 1/4; the residual
   * runs at 1/2. Integer in [2, 5]; default 3 (estimate at 1/8).
   */
  levels: number;
}

/** Valid range of each {@link GeneratorConfig} field, inclusive. */
export const GENERATOR_CONFIG_RANGES = {
  width: [4, 64],
  levels: [2, 5],
} as const;

/** Default generator: 98,749 parameters (about 0.1 M). */
export const DEFAULT_GENERATOR_CONFIG: Readonly<GeneratorConfig> = {
  width: 16,
  levels: 3,
};

/** Model kind recorded in checkpoints made from {@link createGenerator}. */
export const GENERATOR_KIND = 'mc-pyramid-v1';

/** Throws {@link GeneratorConfigError} unless every field is in range. */
export function validateGeneratorConfig(config: GeneratorConfig): void {
  for (const key of Object.keys(GENERATOR_CONFIG_RANGES) as
    (keyof GeneratorConfig)[]) {
    const [low, high] = GENERATOR_CONFIG_RANGES[key];
    const value = config[key];
    if (!Number.isInteger(value) || value < low || value > high) {
      throw new GeneratorConfigError(
        `${key} must be an integer in [${low}, ${high}], but got ${value}`,
      );
    }
  }
}

/** Height and width given to the model must be multiples of this. */
export function sizeMultiple(config: GeneratorConfig): number {
  return 2 ** config.levels;
}

type Sym = tf.SymbolicTensor;

function conv(
  name: string,
  filters: number,
  opts: { strides?: number; linear?: boolean } = {},
): tf.layers.Layer {
  return tf.layers.conv2d({
    name,
    filters,
    kernelSize: 3,
    strides: opts.strides ?? 1,
    padding: 'same',
    activation: opts.linear ? 'linear' : 'relu',
    // A head starts at zero: no motion, an even blend and no residual,
    // so the untrained generator equals the blend baseline.
    kernelInitializer: opts.linear ? 'zeros' : 'glorotUniform',
  });
}

function apply(layer: tf.layers.Layer, inputs: Sym | Sym[]): Sym {
  return layer.apply(inputs) as Sym;
}

function concat(name: string, inputs: Sym[]): Sym {
  return apply(tf.layers.concatenate({ name, axis: -1 }), inputs);
}

/** Motion state at one pyramid level, in that level's pixel units. */
interface Motion {
  flowPrev: Sym;
  flowNext: Sym;
  maskLogit: Sym;
}

/** Two convs, then heads for both flows and the mask logit. */
function estimate(tag: string, input: Sym, hidden: number): Motion {
  const trunk = apply(
    conv(`${tag}_conv2`, hidden),
    apply(conv(`${tag}_conv1`, hidden), input),
  );
  return {
    flowPrev: apply(conv(`${tag}_flow_prev`, 2, { linear: true }), trunk),
    flowNext: apply(conv(`${tag}_flow_next`, 2, { linear: true }), trunk),
    maskLogit: apply(conv(`${tag}_mask`, 1, { linear: true }), trunk),
  };
}

function upsampleMotion(tag: string, motion: Motion, factor: number): Motion {
  const up = (what: string, x: Sym, valueScale: number) =>
    apply(new ResizeScale({ name: `${tag}_${what}`, factor, valueScale }), x);
  return {
    flowPrev: up('flow_prev', motion.flowPrev, factor),
    flowNext: up('flow_next', motion.flowNext, factor),
    maskLogit: up('mask', motion.maskLogit, 1),
  };
}

function addMotion(tag: string, base: Motion, delta: Motion): Motion {
  const add = (what: string, a: Sym, b: Sym) =>
    apply(tf.layers.add({ name: `${tag}_${what}` }), [a, b]);
  return {
    flowPrev: add('flow_prev', base.flowPrev, delta.flowPrev),
    flowNext: add('flow_next', base.flowNext, delta.flowNext),
    maskLogit: add('mask', base.maskLogit, delta.maskLogit),
  };
}

/** Both input frames at one level, warped towards the middle. */
function warpPair(tag: string, prev: Sym, next: Sym, motion: Motion): Sym[] {
  return [
    apply(new BackwardWarp({ name: `${tag}_warp_prev` }), [
      prev,
      motion.flowPrev,
    ]),
    apply(new BackwardWarp({ name: `${tag}_warp_next` }), [
      next,
      motion.flowNext,
    ]),
  ];
}

/**
 * Builds the motion-compensated interpolation generator.
 *
 * Inputs `prev` and `next`, `[batch, height, width, 3]` in [0, 1], with
 * height and width multiples of {@link sizeMultiple}; output the middle
 * frame, same shape, clipped to [0, 1]. Stages:
 * 1. a shared strided-conv feature pyramid per frame (1/2 ... 1/2^L);
 * 2. flows middle->prev and middle->next plus an occlusion logit,
 *    estimated at 1/2^L and refined at each level down to 1/4, each
 *    refinement seeing both frames backward-warped at that level;
 * 3. a residual computed at 1/2 resolution from both frames warped there;
 * 4. both frames warped at full resolution, blended with the sigmoid mask,
 *    plus the upsampled residual.
 *
 * Layer names are fixed, so weights saved from one build load into another
 * build of the same config. Free the model with `disposeLayersModel`
 * (`./dispose.ts`): plain `dispose()` misses the shared encoder's weights.
 */
export function createGenerator(
  config: GeneratorConfig = DEFAULT_GENERATOR_CONFIG,
): tf.LayersModel {
  validateGeneratorConfig(config);
  const { width: c, levels } = config;
  const prev = tf.input({ shape: [null, null, 3], name: 'prev' });
  const next = tf.input({ shape: [null, null, 3], name: 'next' });

  // 1. Feature pyramid, weights shared by both frames; level k at 1/2^k.
  const featPrev: Sym[] = [prev];
  const featNext: Sym[] = [next];
  for (let k = 1; k <= levels; k++) {
    const layer = conv(`enc${k}_conv`, c * k, { strides: 2 });
    featPrev.push(apply(layer, featPrev[k - 1]));
    featNext.push(apply(layer, featNext[k - 1]));
  }
  const imagesAt = (k: number): Sym[] => {
    if (k === 0) {
      return [prev, next];
    }
    const pool = tf.layers.averagePooling2d({
      name: `img${k}_pool`,
      poolSize: 2 ** k,
      strides: 2 ** k,
    });
    return [apply(pool, prev), apply(pool, next)];
  };

  // 2. Coarse estimate, then refinement down to 1/4.
  let motion = estimate(
    `est${levels}`,
    concat(`est${levels}_in`, [featPrev[levels], featNext[levels]]),
    c * levels,
  );
  for (let k = levels - 1; k >= 2; k--) {
    motion = upsampleMotion(`up${k}`, motion, 2);
    const [imgPrev, imgNext] = imagesAt(k);
    const warped = warpPair(`ref${k}`, imgPrev, imgNext, motion);
    const input = concat(`ref${k}_in`, [
      featPrev[k],
      featNext[k],
      ...warped,
      motion.flowPrev,
      motion.flowNext,
      motion.maskLogit,
    ]);
    motion = addMotion(`ref${k}_sum`, motion, estimate(`ref${k}`, input, c));
  }

  // 3. Residual at 1/2 resolution, from both frames warped there.
  const half = upsampleMotion('up1', motion, 2);
  const [halfPrev, halfNext] = imagesAt(1);
  const halfInput = concat('res_in', [
    ...warpPair('res', halfPrev, halfNext, half),
    half.maskLogit,
  ]);
  const residualHalf = apply(
    conv('res_out', 3, { linear: true }),
    apply(conv('res_conv', c), halfInput),
  );
  const residual = apply(
    new ResizeScale({ name: 'res_up', factor: 2, valueScale: 1 }),
    residualHalf,
  );

  // 4. Full-resolution warp, occlusion blend, residual, clip to [0, 1].
  const full = upsampleMotion('up0', half, 2);
  const [warpedPrev, warpedNext] = warpPair('out', prev, next, full);
  const blended = apply(new OcclusionBlend({ name: 'out_blend' }), [
    warpedPrev,
    warpedNext,
    full.maskLogit,
  ]);
  const refined = apply(tf.layers.add({ name: 'out_add' }), [
    blended,
    residual,
  ]);
  const middle = apply(
    tf.layers.reLU({ name: 'middle', maxValue: 1 }),
    refined,
  );
  return tf.model({ inputs: [prev, next], outputs: middle, name: 'generator' });
}
