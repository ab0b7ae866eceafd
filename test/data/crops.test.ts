import { describe, expect, it } from 'vitest';

import { createCropPicker, wholeFrame } from '../../src/data/crops.ts';

describe('createCropPicker', () => {
  it('keeps every crop inside the frame and reaches both edges', () => {
    const picker = createCropPicker('bounds');

    const crops = picker.pick(40, 30, 25, 2000);

    for (const c of crops) {
      expect(c.width).toBe(25);
      expect(c.height).toBe(25);
      expect(c.x).toBeGreaterThanOrEqual(0);
      expect(c.y).toBeGreaterThanOrEqual(0);
      expect(c.x + 25).toBeLessThanOrEqual(40);
      expect(c.y + 25).toBeLessThanOrEqual(30);
    }
    const xs = crops.map((c) => c.x);
    const ys = crops.map((c) => c.y);
    expect([Math.min(...xs), Math.max(...xs)]).toEqual([0, 15]);
    expect([Math.min(...ys), Math.max(...ys)]).toEqual([0, 5]);
  });

  it('repeats its sequence for the same seed only', () => {
    const a = createCropPicker('s1').pick(640, 480, 64, 5);
    const b = createCropPicker('s1').pick(640, 480, 64, 5);
    const c = createCropPicker('s2').pick(640, 480, 64, 5);

    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('gives the only position when the crop is the frame size', () => {
    const crops = createCropPicker('x').pick(32, 48, 32, 3);

    expect(crops.map((c) => [c.x, c.width, c.height])).toEqual([
      [0, 32, 32], [0, 32, 32], [0, 32, 32],
    ]);
  });

  it('throws when the crop does not fit the frame', () => {
    expect(() => createCropPicker('x').pick(32, 24, 25, 1)).toThrow(
      /must fit the frame, but got 32x24/,
    );
  });
});

describe('wholeFrame', () => {
  it('covers the frame from the origin', () => {
    expect(wholeFrame(960, 507)).toEqual({ x: 0, y: 0, width: 960, height: 507 });
  });
});
