import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';

import {
  applyAugmentation,
  drawAugmentation,
  flipFrame,
  type FrameTriplet,
} from '../../src/data/augment.ts';
import { cropFrame, type Frame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import { sharedData } from '../helpers/paths.ts';

const dir = sharedData('ucf101-triplets', '1');
const triplet: FrameTriplet = {
  prev: await readPng(`${dir}/frame0.png`),
  middle: await readPng(`${dir}/frame1.png`),
  next: await readPng(`${dir}/frame2.png`),
};
const ALL = { cropSize: 32, flip: true, temporalReverse: true };

function pixel(frame: Frame, x: number, y: number): number[] {
  const i = (y * frame.width + x) * 3;
  return Array.from(frame.data.subarray(i, i + 3));
}

describe('flipFrame', () => {
  it('mirrors left-right and top-bottom, and twice gives the original', () => {
    const frame = triplet.middle;

    const both = flipFrame(frame, true, true);
    const horizontal = flipFrame(frame, true, false);

    const { width, height } = frame;
    expect(pixel(both, 0, 0)).toEqual(pixel(frame, width - 1, height - 1));
    expect(pixel(horizontal, 5, 7)).toEqual(pixel(frame, width - 6, 7));
    expect(flipFrame(both, true, true).data).toEqual(frame.data);
  });
});

describe('drawAugmentation', () => {
  it('gives the same choices for the same seed and crops inside the frame',
    () => {
      const draw = (seed: string) => {
        const random = seedrandom(seed);
        return Array.from({ length: 50 }, () =>
          drawAugmentation(random, 320, 240, ALL));
      };

      const first = draw('a');

      expect(draw('a')).toEqual(first);
      expect(draw('b')).not.toEqual(first);
      for (const aug of first) {
        expect(aug.x).toBeGreaterThanOrEqual(0);
        expect(aug.x + aug.size).toBeLessThanOrEqual(320);
        expect(aug.y + aug.size).toBeLessThanOrEqual(240);
      }
      expect(first.some((a) => a.flipHorizontal)).toBe(true);
      expect(first.some((a) => a.reverse)).toBe(true);
    });

  it('when flips and reversal are off then none is drawn, same crops', () => {
    const off = { cropSize: 32, flip: false, temporalReverse: false };

    const plain = drawAugmentation(seedrandom('s'), 320, 240, off);
    const full = drawAugmentation(seedrandom('s'), 320, 240, ALL);

    expect(plain).toMatchObject({
      x: full.x, y: full.y, flipHorizontal: false, flipVertical: false,
      reverse: false,
    });
  });

  it('rejects a crop larger than the frame', () => {
    expect(() => drawAugmentation(Math.random, 20, 40, ALL))
      .toThrow(/crop 32 does not fit 20x40/);
  });
});

describe('applyAugmentation', () => {
  it('crops all frames alike and swaps prev and next when reversed', () => {
    const aug = {
      x: 10, y: 20, size: 32, flipHorizontal: false, flipVertical: true,
      reverse: true,
    };

    const out = applyAugmentation(triplet, aug);

    const crop = (f: Frame) => flipFrame(cropFrame(f, 10, 20, 32, 32),
      false, true);
    expect(out.prev.data).toEqual(crop(triplet.next).data);
    expect(out.next.data).toEqual(crop(triplet.prev).data);
    expect(out.middle.data).toEqual(crop(triplet.middle).data);
    expect(pixel(out.middle, 3, 0)).toEqual(pixel(triplet.middle, 13, 51));
  });
});
