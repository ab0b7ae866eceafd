/**
 * Names of the training losses, as written in configs and on the CLI.
 * `pixel` trains without a discriminator; the rest are adversarial.
 */
export const LOSS_NAMES = [
  'pixel',
  'aagan',
  'raagan',
  'sngan',
  'lsgan',
  'hinge',
  'ralsgan',
  'unetgan',
] as const;

/** One of {@link LOSS_NAMES}. */
export type LossName = (typeof LOSS_NAMES)[number];

/** Pixel (reconstruction) loss kinds. */
export const PIXEL_LOSS_NAMES = ['l1', 'charbonnier'] as const;

/** One of {@link PIXEL_LOSS_NAMES}. */
export type PixelLossName = (typeof PIXEL_LOSS_NAMES)[number];
