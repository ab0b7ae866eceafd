import seedrandom from 'seedrandom';

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
