import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { Frame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import {
  blendFrames,
  createBlendInterpolator,
  createRepeatInterpolator,
} from '../../src/models/baselines.ts';
import { createLogger, setLogger } from '../../src/util/logger.ts';
import { listPngFrames } from '../../src/video/frame-source.ts';
import { histogramDistance } from '../../src/video/scene-cut.ts';
import {
  formatSummary,
  openUpconvertSource,
  upconvert,
} from '../../src/video/upconvert.ts';
import { createCutDetector } from '../../src/video/upconvert-frames.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';
import {
  davisFolder,
  probe,
  probeVideoStream,
  sceneCutClip,
  subtitledClip,
  testsrcClip,
  testsrcFolder,
} from './upconvert-fixtures.ts';

async function readFolder(dir: string): Promise<Frame[]> {
  return Promise.all((await listPngFrames(dir)).map((f) => readPng(f)));
}

function same(a: Frame, b: Frame): boolean {
  return a.width === b.width && a.height === b.height &&
    Buffer.compare(Buffer.from(a.data), Buffer.from(b.data)) === 0;
}

/** Histogram distance written out plainly, as an independent reference. */
function referenceDistance(a: Frame, b: Frame): number {
  const ha = new Array<number>(48).fill(0);
  const hb = new Array<number>(48).fill(0);
  for (let i = 0; i < a.data.length; i++) {
    ha[(i % 3) * 16 + Math.floor(a.data[i] / 16)]++;
    hb[(i % 3) * 16 + Math.floor(b.data[i] / 16)]++;
  }
  const l1 = ha.reduce((sum, count, k) => sum + Math.abs(count - hb[k]), 0);
  return l1 / (2 * a.data.length);
}

describe('createCutDetector', () => {
  it('agrees with the plain histogram distance on real frames', async () => {
    const frames = await Promise.all(['000', '001', '030', '067'].map((n) =>
      readPng(sharedData('frames', 'davis-selfie-960x507', `${n}.png`))));
    const distances = frames.slice(1).map((f, i) => referenceDistance(frames[i], f));
    const threshold = (Math.min(...distances) + Math.max(...distances)) / 2;
    const isCut = createCutDetector({ threshold });

    const cuts = frames.map((f) => isCut(f));

    expect(cuts[0]).toBe(false);
    expect(cuts.slice(1)).toEqual(distances.map((d) => d > threshold));
    expect(cuts.slice(1)).toContain(true);
    expect(cuts.slice(1)).toContain(false);
    for (let i = 1; i < frames.length; i++) {
      expect(histogramDistance(frames[i - 1], frames[i]))
        .toBeCloseTo(distances[i - 1], 12);
    }
  });
});

describe('upconvert', () => {
  let dir: string;
  let cleanup: () => void;

  beforeAll(() => {
    setLogger(createLogger('silent'));
    ({ dir, cleanup } = makeTempDir('fruc-upconvert-'));
  });
  afterAll(() => cleanup());

  it('doubles an odd-size PNG folder into a PNG folder, blending exactly', async () => {
    const input = davisFolder(dir, 10);
    const out = join(dir, 'davis-x2');

    const result = await upconvert(input, out, {
      factor: 2,
      method: createBlendInterpolator(),
      progress: false,
    });

    const frames = await readFolder(out);
    const inputs = await readFolder(input);
    expect(result).toMatchObject({
      framesIn: 10, framesOut: 20, width: 960, height: 507, sceneCuts: 0,
      fpsOut: { num: 48, den: 1 },
    });
    expect(frames).toHaveLength(20);
    expect(same(frames[0], inputs[0])).toBe(true);
    expect(same(frames[1], blendFrames(inputs[0], inputs[1]))).toBe(true);
    expect(same(frames[16], inputs[8])).toBe(true);
    expect(same(frames[18], inputs[9])).toBe(true);
    expect(same(frames[19], inputs[9])).toBe(true);
    expect(formatSummary(result)).toMatch(
      /^upconverted 10 -> 20 frames, 24\.000 -> 48\.000 fps \(48\).*method blend/,
    );
  });

  it('reads a source the caller opened instead of opening the input again', async () => {
    const parent = join(dir, 'given');
    mkdirSync(parent);
    const input = davisFolder(parent, 4);
    // Opened at 30 fps: upconvert's own opening would use its default 24.
    const source = await openUpconvertSource(input, { num: 30, den: 1 });

    const result = await upconvert(input, join(dir, 'davis-given'), {
      factor: 2,
      method: createBlendInterpolator(),
      progress: false,
      source,
    });

    expect(result).toMatchObject({ framesIn: 4, framesOut: 8,
      fpsIn: { num: 30, den: 1 }, fpsOut: { num: 60, den: 1 } });
  });

  it('factor 4 on a short clip gives 4 x N frames at 4 x the rate', async () => {
    const input = testsrcClip(join(dir, 'src25.mkv'), {
      size: '64x48', rate: 25, frames: 12,
    });
    const out = join(dir, 'src-x4.mp4');

    const result = await upconvert(input, out, {
      factor: 4,
      method: createBlendInterpolator(),
      progress: false,
    });

    const stream = probeVideoStream(out);
    expect(result.framesOut).toBe(48);
    expect(stream.nb_read_frames).toBe('48');
    expect(stream.r_frame_rate).toBe('100/1');
    expect(Number(stream.duration)).toBeCloseTo(12 / 25, 3);
  });

  it('factor 4 and 8 place repeated midpoints in time order', async () => {
    const input = testsrcFolder(join(dir, 'three'), { size: '33x17', frames: 3 });
    const inputs = await readFolder(input);

    await upconvert(input, join(dir, 'three-x4'), {
      factor: 4, method: createBlendInterpolator(), progress: false,
    });
    await upconvert(input, join(dir, 'three-x8'), {
      factor: 8, method: createBlendInterpolator(), progress: false,
    });

    const x4 = await readFolder(join(dir, 'three-x4'));
    const middle = blendFrames(inputs[0], inputs[1]);
    expect(x4).toHaveLength(12);
    expect(same(x4[0], inputs[0])).toBe(true);
    expect(same(x4[1], blendFrames(inputs[0], middle))).toBe(true);
    expect(same(x4[2], middle)).toBe(true);
    expect(same(x4[3], blendFrames(middle, inputs[1]))).toBe(true);
    expect(same(x4[4], inputs[1])).toBe(true);
    const x8 = await readFolder(join(dir, 'three-x8'));
    expect(x8).toHaveLength(24);
    expect(same(x8[4], middle)).toBe(true);
    expect(same(x8[2], x4[1])).toBe(true);
    expect(x8.slice(16).every((f) => same(f, inputs[2]))).toBe(true);
  });

  it('repeats the earlier frame across a scene cut instead of blending', async () => {
    const input = sceneCutClip(dir);

    const blend = await upconvert(input, join(dir, 'cut-blend'), {
      factor: 2, method: createBlendInterpolator(), progress: false,
    });
    const mci = await upconvert(input, join(dir, 'cut-mci'), {
      factor: 2, method: 'minterpolate', progress: false,
    });

    expect(blend.sceneCuts).toBe(1);
    expect(mci.sceneCuts).toBe(1);
    for (const name of ['cut-blend', 'cut-mci']) {
      const frames = await readFolder(join(dir, name));
      expect(frames).toHaveLength(24);
      // Frame 10 is input 5, the last of the first shot; 11 sits at the cut.
      expect(same(frames[11], frames[10])).toBe(true);
      expect(same(frames[11], frames[12])).toBe(false);
    }
    const blended = await readFolder(join(dir, 'cut-blend'));
    expect(same(blended[1], blended[0])).toBe(false);
    expect(same(blended[1], blendFrames(blended[0], blended[2]))).toBe(true);
  });

  it('minterpolate follows our cut detector, not only its own', async () => {
    const input = sceneCutClip(dir);

    // At threshold 0.01 every pair of the moving first shot is a cut.
    const result = await upconvert(input, join(dir, 'cut-mci-low'), {
      factor: 2, method: 'minterpolate', progress: false,
      sceneCut: { threshold: 0.01 },
    });

    const frames = await readFolder(join(dir, 'cut-mci-low'));
    expect(result.sceneCuts).toBeGreaterThanOrEqual(6);
    for (let k = 0; k < 6; k++) {
      expect(same(frames[2 * k + 1], frames[2 * k])).toBe(true);
    }
  });

  it('minterpolate gives exactly factor x N frames, odd size kept', async () => {
    const input = testsrcFolder(join(dir, 'odd'), { size: '65x49', frames: 8 });
    const out = join(dir, 'odd-mci');

    const result = await upconvert(input, out, {
      factor: 2,
      method: 'minterpolate',
      folderFps: { num: 25, den: 1 },
      progress: false,
    });

    const frames = await readFolder(out);
    expect(result).toMatchObject({
      method: 'minterpolate', framesIn: 8, framesOut: 16,
      fpsOut: { num: 50, den: 1 },
    });
    expect(frames).toHaveLength(16);
    expect(frames.every((f) => f.width === 65 && f.height === 49)).toBe(true);
  });

  it('minterpolate factor 4 on a video gives 4 x N frames', async () => {
    const input = testsrcClip(join(dir, 'mci-src.mkv'), {
      size: '64x48', rate: 30, frames: 9,
    });
    const out = join(dir, 'mci-x4.mkv');

    await upconvert(input, out, {
      factor: 4, method: 'minterpolate', progress: false,
    });

    const stream = probeVideoStream(out);
    expect(stream.nb_read_frames).toBe('36');
    expect(stream.r_frame_rate).toBe('120/1');
  });

  it('when a frame fails mid-run then nothing is left at the destination', async () => {
    const input = testsrcFolder(join(dir, 'mixed'), { size: '64x48', frames: 4 });
    testsrcFolder(join(dir, 'mixed-tail'), { size: '32x24', frames: 1 });
    renameSync(join(dir, 'mixed-tail', '001.png'), join(input, '009.png'));
    const outDir = join(dir, 'fail-out');

    for (const out of [join(outDir, 'frames'), join(outDir, 'video.mp4')]) {
      await expect(upconvert(input, out, {
        factor: 2, method: createRepeatInterpolator(), progress: false,
      })).rejects.toMatchObject({ code: 'FRUC_NOT_A_VIDEO' });
    }

    expect(readdirSync(outDir)).toEqual([]);
  });

  it('copies subtitles and audio whatever their order', async () => {
    const input = subtitledClip(dir);
    const out = join(dir, 'subtitled-x2.mkv');

    await upconvert(input, out, {
      factor: 2, method: createBlendInterpolator(), progress: false,
    });

    const types = probe(out).streams.map((s) => s.codec_type);
    expect(types).toEqual(['video', 'audio', 'subtitle']);
    expect(probeVideoStream(out).nb_read_frames).toBe('20');
  });

  it('when the container cannot hold the copied streams then it says so', async () => {
    const input = subtitledClip(dir);
    const outDir = join(dir, 'copy-fail');

    await expect(upconvert(input, join(outDir, 'x.mp4'), {
      factor: 2, method: createBlendInterpolator(), progress: false,
    })).rejects.toMatchObject({
      code: 'FRUC_STREAM_COPY_FAILED',
      message: expect.stringMatching(
        new RegExp('the subtitle stream #0 \\(subrip\\) cannot be copied ' +
          'into a \\.mp4 file .*write a \\.mkv file instead'),
      ),
    });

    expect(readdirSync(outDir)).toEqual([]);
  });

  it('refuses an existing output unless overwrite is set', async () => {
    const input = testsrcFolder(join(dir, 'two'), { size: '16x16', frames: 2 });
    const out = join(dir, 'two-x2');
    await upconvert(input, out, {
      factor: 2, method: createRepeatInterpolator(), progress: false,
    });

    await expect(upconvert(input, out, {
      factor: 2, method: createRepeatInterpolator(), progress: false,
    })).rejects.toMatchObject({ code: 'FRUC_OUTPUT_EXISTS' });
    const again = await upconvert(input, out, {
      factor: 4, method: createRepeatInterpolator(), progress: false,
      overwrite: true,
    });

    expect(again.framesOut).toBe(8);
    expect(await listPngFrames(out)).toHaveLength(8);
  });
});
