import * as tf from '@tensorflow/tfjs';

import { GeneratorConfigError } from './errors.ts';
import { BackwardWarp } from './layers/backward-warp.ts';
import { BilateralCost, SoftFlow } from './layers/cost-volume.ts';
import { FlowPropagation } from './layers/flow-propagation.ts';
import {
  ChannelSlice,
  OcclusionBlend,
  ResizeScale,
} from './layers/flow-layers.ts';

/**
 * Size and depth of the interpolation generator.
 *
 * Frames given to the model must have a height and width that are
 * multiples of {@link sizeMultiple} (`2 ** levels`); the model interpolator
 * pads and crops for that, so callers may pass any size.
 */
export interface GeneratorConfig {
  /**
   * Base channel count `c` of the learned correction at the coarsest
   * level: `2c` hidden channels and a cost volume squeezed to `c`;
   * parameters grow about with `c ** 2`. Integer in [4, 64]; default 16.
   */
  width: number;
  /**
   * Pyramid levels `L`. Motion is first matched at `1 / 2 ** L`
   * resolution and refined at each finer level down to 1/2. Integer in
   * [2, 5]; default 3 (first match at 1/8, moves of up to 48 pixels
   * between the frames).
   */
  levels: number;
}

/** Valid range of each {@link GeneratorConfig} field, inclusive. */
export const GENERATOR_CONFIG_RANGES = {
  width: [4, 64],
  levels: [2, 5],
} as const;

/** Default generator: 20,360 parameters (about 0.02 M). */
export const DEFAULT_GENERATOR_CONFIG: Readonly<GeneratorConfig> = {
  width: 16,
  levels: 3,
};

/** Model kind recorded in checkpoints made from {@link createGenerator}. */
export const GENERATOR_KIND = 'mc-blockmatch-v5';

/**
 * Search radius of the coarse block matching: moves of up to this many
 * pixels of the coarsest level between the two input frames, so 48 pixels
 * at full resolution with the default 3 levels.
 */
const COST_RADIUS = 6;

/** Search radius of the block matching at each finer level (pixels of
 * that level, on frames already warped by the coarser estimate). */
const REFINE_RADIUS = 3;

/** Search radius of the block matching at 1/2 resolution. */
const FINE_RADIUS = 2;

/** Motion propagation at 1/2 (see `FlowPropagation`): passes, distance
 * in pixels of the neighbours tried, side of the block that scores them
 * and softmin temperature on its mean absolute grey difference. One pass
 * (weights of `mc-blockmatch-v3`, without its learned correction at 1/2)
 * scored 33.84 dB on ucf101-triplets against 33.40 without either change,
 * and 35.74 against 35.68 dB on the video protocol of five training
 * clips; with trained weights a second pass added 0.06 and 0.03 dB. */
const PROPAGATION = { passes: 2, spacing: 4, block: 5, temperature: 0.01 };

/** Side of the window whose local mean and spread normalise grey values
 * before matching. */
const NORM_WINDOW = 7;

/** Side of the blocks that block matching compares, down to 1/4. */
const BLOCK_SIZE = 13;

/** Side of the blocks at 1/2, where finer detail decides. */
const FINE_BLOCK_SIZE = 7;

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
    // A head starts at zero: no correction to the matched motion and an
    // even blend, so the untrained generator is the block matcher alone.
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

/**
 * Two convs, then one linear head whose five channels are both flows and
 * the mask logit (one conv is faster than three narrow ones).
 */
function estimate(tag: string, input: Sym, hidden: number): Motion {
  const trunk = apply(
    conv(`${tag}_conv2`, hidden),
    apply(conv(`${tag}_conv1`, hidden), input),
  );
  const head = apply(conv(`${tag}_head`, 5, { linear: true }), trunk);
  const part = (what: string, start: number, size: number) =>
    apply(new ChannelSlice({ name: `${tag}_${what}`, start, size }), head);
  return {
    flowPrev: part('flow_prev', 0, 2),
    flowNext: part('flow_next', 2, 2),
    maskLogit: part('mask', 4, 1),
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

/** `base`'s flows plus `delta`'s; `base`'s mask logit is kept. */
function addMotion(
  tag: string,
  base: Motion,
  delta: Omit<Motion, 'maskLogit'>,
): Motion {
  const add = (what: string, a: Sym, b: Sym) =>
    apply(tf.layers.add({ name: `${tag}_${what}` }), [a, b]);
  return {
    flowPrev: add('flow_prev', base.flowPrev, delta.flowPrev),
    flowNext: add('flow_next', base.flowNext, delta.flowNext),
    maskLogit: base.maskLogit,
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

/** What {@link blockMatch} finds: the cost volume and the matched flows
 * to the next frame and (its negative) to the previous one. */
interface BlockMatch {
  cost: Sym;
  flow: Sym;
  flowPrev: Sym;
}

/**
 * Straight-motion block matching of two frames at one level: the
 * correlation of locally normalised grey values over `blockSize` squares
 * for every move within `radius` (see `BilateralCost`), and its soft
 * arg-max as flows `+d` to the next frame and `-d` to the previous one.
 */
function blockMatch(
  tag: string,
  prev: Sym,
  next: Sym,
  radius: number,
  blockSize: number,
): BlockMatch {
  const cost = apply(new BilateralCost({
    name: tag, radius, normWindow: NORM_WINDOW, aggregate: blockSize,
  }), [prev, next]);
  const flow = apply(new SoftFlow({ name: `${tag}_flow`, radius }), cost);
  const flowPrev = apply(
    new ResizeScale({ name: `${tag}_flow_prev`, factor: 1, valueScale: -1 }),
    flow,
  );
  return { cost, flow, flowPrev };
}

/** `base` moved by a block match; the mask logit is kept. */
function addMatch(tag: string, base: Motion, match: BlockMatch): Motion {
  return addMotion(tag, base,
    { flowPrev: match.flowPrev, flowNext: match.flow });
}

/**
 * Builds the motion-compensated interpolation generator.
 *
 * Inputs `prev` and `next`, `[batch, height, width, 3]` in [0, 1], with
 * height and width multiples of {@link sizeMultiple}; output the middle
 * frame, same shape, clipped to [0, 1]. Stages:
 * 1. an average-pooled image pyramid of both frames (1/2 ... 1/2^L);
 * 2. flows middle->prev and middle->next plus an occlusion logit: at
 *    1/2^L the soft arg-max of a bilateral block-matching cost volume
 *    (moves up to 6 pixels of that level) plus a learned correction that
 *    sees both frames, the squeezed cost volume and the matched flow;
 * 3. refinement at each finer level down to 1/2: block matching of both
 *    frames backward-warped by the motion so far (moves up to 3, and 2 at
 *    1/2);
 * 4. two passes of motion propagation at 1/2 (`FlowPropagation`): each
 *    pixel takes the motion of a neighbour 4 pixels away where it aligns
 *    the frames better, which sharpens motion at object edges;
 * 5. both frames warped at full resolution and blended with the sigmoid
 *    mask (no learned residual: it measured 0.01 dB).
 * The learned head starts at zero, so the untrained generator is block
 * matching and propagation alone (34.00 dB on middlebury-others).
 *
 * Layer names are fixed, so weights saved from one build load into another
 * build of the same config. Free the model with `disposeLayersModel`
 * (`./dispose.ts`).
 */
export function createGenerator(
  config: GeneratorConfig = DEFAULT_GENERATOR_CONFIG,
): tf.LayersModel {
  validateGeneratorConfig(config);
  const { width: c, levels } = config;
  const prev = tf.input({ shape: [null, null, 3], name: 'prev' });
  const next = tf.input({ shape: [null, null, 3], name: 'next' });

  // 1. Image pyramid: level k at 1/2^k.
  const pooled = new Map<number, Sym[]>([[0, [prev, next]]]);
  const imagesAt = (k: number): Sym[] => {
    if (!pooled.has(k)) {
      const pool = tf.layers.averagePooling2d({
        name: `img${k}_pool`,
        poolSize: 2 ** k,
        strides: 2 ** k,
      });
      pooled.set(k, [apply(pool, prev), apply(pool, next)]);
    }
    return pooled.get(k) as Sym[];
  };
  // A cost volume squeezed to a few channels for the learned corrections.
  const squeeze = (tag: string, cost: Sym, channels: number) =>
    apply(tf.layers.conv2d({
      name: `${tag}_squeeze`, filters: channels, kernelSize: 1,
      activation: 'relu',
      // Named: the conv default (Glorot normal) escapes the seeding of
      // `seedGlorotKernels`, and runs would not repeat.
      kernelInitializer: 'glorotUniform',
    }), cost);

  // 2. Coarse motion: block matching at 1/2^L plus a learned correction.
  const [coarsePrev, coarseNext] = imagesAt(levels);
  const coarseMatch = blockMatch(`cost${levels}`, coarsePrev, coarseNext,
    COST_RADIUS, BLOCK_SIZE);
  let motion = addMatch(
    `est${levels}_sum`,
    estimate(`est${levels}`, concat(`est${levels}_in`, [
      coarsePrev,
      coarseNext,
      squeeze(`est${levels}`, coarseMatch.cost, c),
      coarseMatch.flow,
    ]), 2 * c),
    coarseMatch,
  );

  // 3. Refinement down to 1/2: block matching of the warped frames. The
  // learned corrections that followed each match measured no more than
  // 0.01 dB on the video protocol of five training clips (at 1/4 with
  // trained weights, 35.738 against 35.734 dB; at 1/2 with those of
  // mc-blockmatch-v3, 35.750 against 35.740) for a tenth and a fifth of
  // the forward pass, and lowered ucf101-triplets by 0.05 dB each.
  for (let k = levels - 1; k >= 1; k--) {
    motion = upsampleMotion(`up${k}`, motion, 2);
    const [imgPrev, imgNext] = imagesAt(k);
    const warped = warpPair(`ref${k}`, imgPrev, imgNext, motion);
    const match = k >= 2
      ? blockMatch(`ref${k}_cost`, warped[0], warped[1], REFINE_RADIUS,
        BLOCK_SIZE)
      : blockMatch(`ref${k}_cost`, warped[0], warped[1], FINE_RADIUS,
        FINE_BLOCK_SIZE);
    motion = addMatch(`ref${k}_match`, motion, match);
  }

  // 4. Motion propagation at 1/2: where block matching smeared an object's
  // motion across its edge, a neighbour's motion that aligns the frames
  // better takes over.
  const [halfPrev, halfNext] = imagesAt(1);
  const propagated = apply(new FlowPropagation({
    name: 'prop1', ...PROPAGATION,
  }), [halfPrev, halfNext, motion.flowPrev, motion.flowNext]);
  const channelsOf = (what: string, start: number) => apply(
    new ChannelSlice({ name: `prop1_${what}`, start, size: 2 }), propagated);
  motion = {
    flowPrev: channelsOf('flow_prev', 0),
    flowNext: channelsOf('flow_next', 2),
    maskLogit: motion.maskLogit,
  };

  // 5. Full-resolution warp, occlusion blend, clip to [0, 1] (against
  // rounding). A learned residual at 1/2 here added 0.01 dB (video
  // protocol on whole frames of five training clips) for about a tenth of
  // the forward pass.
  const full = upsampleMotion('up0', motion, 2);
  const [warpedPrev, warpedNext] = warpPair('out', prev, next, full);
  const blended = apply(new OcclusionBlend({ name: 'out_blend' }), [
    warpedPrev,
    warpedNext,
    full.maskLogit,
  ]);
  const middle = apply(
    tf.layers.reLU({ name: 'middle', maxValue: 1 }),
    blended,
  );
  return tf.model({ inputs: [prev, next], outputs: middle, name: 'generator' });
}
