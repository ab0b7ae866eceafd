import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { extractTriplets } from '../../src/data/extract.ts';
import { formatSummary, type Manifest } from '../../src/data/manifest.ts';
import { findTriplets } from '../../src/data/triplet-layouts.ts';
import { cropFrame, type Frame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import { createLogger, setLogger } from '../../src/util/logger.ts';
import { runFfmpeg } from '../../src/video/ffmpeg.ts';
import { openFrameSource } from '../../src/video/frame-source.ts';
import { meanAbsDiff } from '../../src/video/scene-cut.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

const BOX = sharedData('videos', 'box.mp4');
const DAVIS = sharedData('frames', 'davis-selfie-960x507');

const temp = makeTempDir('fruc-extract-');
const clips = join(temp.dir, 'clips');
const cutClip = join(clips, 'cut.mp4');
const staticClip = join(clips, 'static.mp4');
const frameFolder = join(clips, 'frames');
let outCount = 0;

function outDir(): string {
  outCount++;
  return join(temp.dir, `out-${outCount}`);
}

function lavfi(source: string) {
  return { path: source, options: ['-f lavfi'] };
}

async function readManifest(out: string): Promise<Manifest> {
  return JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'));
}

async function nthFrame(path: string, index: number): Promise<Frame> {
  const source = await openFrameSource(path);
  let i = 0;
  for await (const frame of source.frames({ maxFrames: index + 1 })) {
    if (i++ === index) {
      return frame;
    }
  }
  throw new Error(`${path} has no frame ${index}`);
}

/** Byte equality; vitest's deep equality is slow on megabyte arrays. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

beforeAll(async () => {
  setLogger(createLogger('silent'));
  mkdirSync(frameFolder, { recursive: true });
  const h264 = ['-c:v libx264', '-pix_fmt yuv420p'];
  // 10 frames of testsrc, then a hard cut to 10 frames of mandelbrot.
  await runFfmpeg(
    'cut clip',
    [
      lavfi('testsrc=size=160x120:rate=10:duration=1'),
      lavfi('mandelbrot=size=160x120:rate=10'),
    ],
    [
      '-filter_complex [1:v]trim=end_frame=10[m];[0:v][m]concat=n=2:v=1[v]',
      '-map [v]',
      ...h264,
    ],
    cutClip,
  );
  await runFfmpeg(
    'static clip',
    [lavfi('color=c=gray:size=64x48:rate=10:duration=1')],
    h264,
    staticClip,
  );
  await runFfmpeg(
    'frame folder',
    [lavfi('testsrc=size=64x48:rate=10:duration=0.8')],
    [],
    join(frameFolder, '%03d.png'),
  );
}, 60_000);

afterAll(() => temp.cleanup());

describe('extractTriplets', () => {
  it('cuts seeded random crops from a video and records them', async () => {
    const out = outDir();

    const summary = await extractTriplets([BOX], {
      out, maxTriplets: 3, cropSize: 96, cropsPerTriplet: 2,
    });

    const [box] = summary.sources;
    expect(box).toMatchObject({ name: 'box', kind: 'video', kept: 3, written: 6 });
    expect(box.framesRead).toBeLessThan(30);
    expect(summary.total.written).toBe(6);
    const manifest = await readManifest(out);
    expect(manifest.summary.total).toEqual(summary.total);
    expect(manifest.triplets).toHaveLength(6);
    for (const t of manifest.triplets) {
      const first = t.frames[0];
      expect(t.id).toMatch(/^box\/\d{6}-c[01]$/);
      expect(t.source).toBe(BOX);
      expect(t.frames).toEqual([first, first + 1, first + 2]);
      t.frames.forEach((index, i) => {
        expect(t.timestamps[i]).toBeCloseTo(index / (30000 / 1001), 9);
      });
      expect(t.frameSize).toEqual({ width: 640, height: 480 });
      expect(t.crop.width).toBe(96);
      expect(t.crop.x + 96).toBeLessThanOrEqual(640);
      expect(t.crop.y + 96).toBeLessThanOrEqual(480);
      const middle = await readPng(join(out, t.id, 'frame1.png'));
      expect([middle.width, middle.height]).toEqual([96, 96]);
    }
    const t = manifest.triplets[3];
    const source = await nthFrame(BOX, t.frames[2]);
    const stored = await readPng(join(out, t.id, 'frame2.png'));
    const { x, y, width, height } = t.crop;
    const expected = cropFrame(source, x, y, width, height);
    expect(sameBytes(stored.data, expected.data)).toBe(true);
  });

  it('stores whole frames of an odd-sized frame folder', async () => {
    const out = outDir();

    const summary = await extractTriplets([DAVIS], {
      out, maxTriplets: 2, stride: 3,
    });

    expect(summary.sources[0]).toMatchObject({
      kind: 'frames', width: 960, height: 507, kept: 2,
    });
    const manifest = await readManifest(out);
    const t = manifest.triplets[1];
    expect(t.crop).toEqual({ x: 0, y: 0, width: 960, height: 507 });
    expect(t.frames[0] % 3).toBe(0);
    expect(t.timestamps[1]).toBeCloseTo(t.frames[1] / 24, 9);
    const name = `${String(t.frames[1]).padStart(3, '0')}.png`;
    const stored = await readPng(join(out, t.id, 'frame1.png'));
    const original = await readPng(join(DAVIS, name));
    expect([stored.width, stored.height]).toEqual([960, 507]);
    expect(sameBytes(stored.data, original.data)).toBe(true);
  });

  it('cuts one triplet per frame gap, g frames apart', async () => {
    const out = outDir();

    const summary = await extractTriplets([DAVIS], {
      out, maxTriplets: 4, stride: 5, gaps: [3, 1], cropSize: 64,
    });

    expect(summary.sources[0]).toMatchObject({ kept: 4, written: 4 });
    const manifest = await readManifest(out);
    expect(manifest.options.gaps).toEqual([1, 3]);
    const ids = manifest.triplets.map((t) => t.id).sort();
    expect(ids).toEqual([
      'davis-selfie-960x507/000000-g1', 'davis-selfie-960x507/000000-g3',
      'davis-selfie-960x507/000005-g1', 'davis-selfie-960x507/000005-g3',
    ]);
    const t = manifest.triplets.find((m) => m.id.endsWith('000005-g3'))!;
    expect(t.frames).toEqual([5, 8, 11]);
    const { x, y, width, height } = t.crop;
    for (const [i, index] of t.frames.entries()) {
      const name = `${String(index).padStart(3, '0')}.png`;
      const expected = cropFrame(
        await readPng(join(DAVIS, name)), x, y, width, height);
      const stored = await readPng(join(out, t.id, `frame${i}.png`));
      expect(sameBytes(stored.data, expected.data)).toBe(true);
    }
  });

  it('redraws still crops until prev and next differ enough', async () => {
    const motion = async (out: string, ids: string[]) => Promise.all(
      ids.map(async (id) => meanAbsDiff(
        await readPng(join(out, id, 'frame0.png')),
        await readPng(join(out, id, 'frame2.png')),
      )));
    const options = {
      maxTriplets: 6, cropSize: 64, cropsPerTriplet: 3, gaps: [2],
    };
    const anyOut = outDir();
    const movingOut = outDir();

    await extractTriplets([BOX], { ...options, out: anyOut });
    const summary = await extractTriplets([BOX], {
      ...options, out: movingOut, minCropMotion: 8,
    });

    const anyIds = (await readManifest(anyOut)).triplets.map((t) => t.id);
    const movingIds = (await readManifest(movingOut)).triplets.map((t) => t.id);
    expect(Math.min(...await motion(anyOut, anyIds))).toBeLessThan(8);
    expect(Math.min(...await motion(movingOut, movingIds))).toBeGreaterThanOrEqual(8);
    expect(movingIds.length).toBe(summary.total.written);
    expect(summary.total.written).toBeGreaterThan(0);
  });

  it('reads the videos and frame folders inside a folder', async () => {
    writeFileSync(join(clips, 'notes.txt'), 'not a video');
    const out = outDir();

    const summary = await extractTriplets([clips], { out, maxTriplets: 1 });

    expect(summary.sources.map((s) => s.name)).toEqual([
      'cut', 'frames', 'static',
    ]);
    expect(readdirSync(out).sort()).toEqual([
      '.fruc-output', 'cut', 'frames', 'manifest.json', 'static',
    ]);
    expect(summary.sources[1]).toMatchObject({ kind: 'frames', kept: 1 });
  });

  it('skips and counts the triplets across a scene cut', async () => {
    const out = outDir();

    const summary = await extractTriplets([cutClip], { out, stride: 1 });

    const [cut] = summary.sources;
    expect(cut.framesRead).toBe(20);
    expect(cut.candidates).toBe(18);
    expect(cut.skippedSceneCut).toBe(2);
    expect(cut.kept + cut.skippedStatic).toBe(16);
    const manifest = await readManifest(out);
    const firsts = manifest.triplets.map((t) => t.frames[0]);
    expect(firsts).not.toContain(8);
    expect(firsts).not.toContain(9);
    expect(firsts).toContain(7);
    expect(firsts).toContain(10);
    expect(formatSummary(summary)).toMatch(/^total\s+20\s+18\s+\d+\s+2\s/m);
  });

  it('skips near-static triplets unless the threshold is 0', async () => {
    const out = outDir();

    const mixed = await extractTriplets([staticClip, cutClip], {
      out, stride: 1,
    });
    const kept = await extractTriplets([staticClip], {
      out, stride: 1, staticThreshold: 0, overwrite: true,
    });

    expect(mixed.sources[0]).toMatchObject({
      candidates: 8, kept: 0, skippedStatic: 8, written: 0,
    });
    expect(kept.total).toMatchObject({ kept: 8, skippedStatic: 0 });
    expect(readdirSync(join(out, 'static'))).toHaveLength(8);
  });

  it('when every triplet is skipped then refuses, writing nothing', async () => {
    const out = outDir();

    await expect(extractTriplets([staticClip], { out, stride: 1 }))
      .rejects.toMatchObject({
        code: 'FRUC_USAGE',
        message: expect.stringMatching(new RegExp(
          'all 8 candidate triplets were skipped \\(0 scene cuts, 8 ' +
          'static\\); lower --static-threshold')),
      });
    expect(existsSync(out)).toBe(false);
  });

  it('writes a layout that findTriplets reads back', async () => {
    const out = outDir();
    await extractTriplets([cutClip], { out, maxTriplets: 3 });

    const found = await findTriplets(out);

    const manifest = await readManifest(out);
    expect(found.map((t) => t.id)).toEqual(manifest.triplets.map((t) => t.id));
    expect(found[0].middle).toBe(join(out, found[0].id, 'frame1.png'));
  });

  it('gives the same crops for the same seed and others for another', async () => {
    const crops = async (seed: string) => {
      const out = outDir();
      await extractTriplets([cutClip], {
        out, seed, cropSize: 32, cropsPerTriplet: 3, maxTriplets: 2,
      });
      return (await readManifest(out)).triplets.map((t) => t.crop);
    };

    const first = await crops('alpha');
    const again = await crops('alpha');
    const other = await crops('beta');

    expect(first).toHaveLength(6);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });
});
