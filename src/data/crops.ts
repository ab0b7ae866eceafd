import seedrandom from 'seedrandom';

import { cropFrame, type Frame } from '../image/frame.ts';
import { meanAbsDiff } from '../video/scene-cut.ts';

/** A window of a frame: top-left corner (x, y) and size, in pixels. */
export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The whole `width` x `height` frame as a crop. */
export function wholeFrame(width: number, height: number): CropRect {
  return { x: 0, y: 0, width, height };
}

/**
 * Picks square crops at random positions; the same seed gives the same
 * crops.
 */
export interface CropPicker {
  /**
   * Returns `count` windows of `size` x `size` inside a `width` x `height`
   * frame, each position uniform over all valid corners. `size` must not
   * exceed `width` or `height`.
   */
  pick(width: number, height: number, size: number, count: number): CropRect[];
}

/**
 * Creates a picker driven by seedrandom's ARC4 generator seeded with
 * `seed`, so a run can be repeated exactly.
 */
export function createCropPicker(seed: string): CropPicker {
  const random = seedrandom(seed);
  const below = (n: number) => Math.floor(random() * n);
  return {
    pick(width, height, size, count) {
      if (size > width || size > height) {
        throw new Error(
          `CropPicker.pick: crop ${size}x${size} must fit the frame, but ` +
            `got ${width}x${height}.`,
        );
      }
      const crops: CropRect[] = [];
      for (let k = 0; k < count; k++) {
        const x = below(width - size + 1);
        const y = below(height - size + 1);
        crops.push({ x, y, width: size, height: size });
      }
      return crops;
    },
  };
}

/** Draws per wanted crop that {@link pickMovingCrops} makes at most. */
export const MOVING_CROP_DRAWS = 10;

/**
 * Up to `count` crops of `size` in which `prev` and `next` differ by a
 * mean absolute difference (0..255) of at least `minMotion`: crops are
 * drawn one at a time and static ones dropped, at most
 * {@link MOVING_CROP_DRAWS} draws per wanted crop. With `minMotion` 0 it
 * returns the same crops as `picker.pick`.
 */
export function pickMovingCrops(
  picker: CropPicker,
  prev: Frame,
  next: Frame,
  size: number,
  count: number,
  minMotion: number,
): CropRect[] {
  const crops: CropRect[] = [];
  for (let draw = 0; draw < count * MOVING_CROP_DRAWS; draw++) {
    const [crop] = picker.pick(prev.width, prev.height, size, 1);
    const moving = minMotion === 0 || meanAbsDiff(
      cropFrame(prev, crop.x, crop.y, size, size),
      cropFrame(next, crop.x, crop.y, size, size),
    ) >= minMotion;
    if (moving) {
      crops.push(crop);
      if (crops.length === count) {
        break;
      }
    }
  }
  return crops;
}
