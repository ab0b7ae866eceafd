import { describe, expect, it } from 'vitest';

import { cropFrame, type Frame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import { blendFrames, createBlendInterpolator } from '../../src/models/baselines.ts';
import type { Interpolator } from '../../src/models/interpolator.ts';
import { DEFAULT_SCENE_CUT } from '../../src/video/scene-cut.ts';
import {
  interpolateStream,
  type UpconvertFactor,
} from '../../src/video/upconvert-frames.ts';
import { sharedData } from '../helpers/paths.ts';

async function davisFrames(count: number): Promise<Frame[]> {
  const frames: Frame[] = [];
  for (let i = 0; i < count; i++) {
    const name = `${String(30 + i).padStart(3, '0')}.png`;
    frames.push(cropFrame(
      await readPng(sharedData('frames', 'davis-selfie-960x507', name)),
      200, 100, 64, 48));
  }
  return frames;
}

async function* streamOf(frames: Frame[]): AsyncGenerator<Frame> {
  yield* frames;
}

/** Blend with `concurrency` and uneven delays; records calls in flight. */
function slowBlend(concurrency: number) {
  let inFlight = 0;
  let calls = 0;
  const seen = { maxInFlight: 0 };
  const interpolator: Interpolator = {
    name: 'slow-blend',
    concurrency,
    async interpolate(prev, next) {
      inFlight++;
      seen.maxInFlight = Math.max(seen.maxInFlight, inFlight);
      // Later calls finish first now and then: order must still hold.
      await new Promise((done) => setTimeout(done, (calls++ % 3) * 7));
      inFlight--;
      return blendFrames(prev, next);
    },
    dispose() {},
  };
  return { interpolator, seen };
}

async function collect(
  frames: Frame[],
  interpolator: Interpolator,
  factor: UpconvertFactor,
): Promise<string[]> {
  const out: string[] = [];
  for await (const frame of interpolateStream(streamOf(frames), {
    interpolator, factor, sceneCut: DEFAULT_SCENE_CUT })) {
    out.push(Buffer.from(frame.data).toString('base64'));
  }
  return out;
}

describe('interpolateStream with a concurrent interpolator', () => {
  it.each([2, 4] as const)('yields the one-at-a-time frames in order (x%i)', async (factor) => {
    const frames = await davisFrames(7);
    const { interpolator, seen } = slowBlend(3);

    const concurrent = await collect(frames, interpolator, factor);
    const sequential = await collect(frames, createBlendInterpolator(), factor);

    expect(concurrent).toHaveLength(factor * 7);
    expect(concurrent).toEqual(sequential);
    // Twice the concurrency is submitted ahead, no more.
    expect(seen.maxInFlight).toBeGreaterThan(3);
    expect(seen.maxInFlight).toBeLessThanOrEqual(6);
  });

  it('passes on a failure of a pair in flight', async () => {
    const frames = await davisFrames(5);
    let calls = 0;
    const failing: Interpolator = {
      name: 'failing',
      concurrency: 2,
      async interpolate(prev, next) {
        if (++calls === 2) {
          throw new Error('pair 2 failed');
        }
        return blendFrames(prev, next);
      },
      dispose() {},
    };

    await expect(collect(frames, failing, 2)).rejects.toThrow('pair 2 failed');
  });
});
