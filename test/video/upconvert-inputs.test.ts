/**
 * `upconvert` on inputs that once went wrong silently: rotated and
 * variable-frame-rate clips, an output that is the input, and streams a
 * .mkv cannot hold.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { basename, join, relative } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { FrucError } from '../../src/errors.ts';
import type { Frame } from '../../src/image/frame.ts';
import { readPng } from '../../src/image/png-io.ts';
import {
  createBlendInterpolator,
  createRepeatInterpolator,
} from '../../src/models/baselines.ts';
import { createLogger, setLogger } from '../../src/util/logger.ts';
import { listPngFrames, openFrameSource } from '../../src/video/frame-source.ts';
import { upconvert, type UpconvertOptions } from '../../src/video/upconvert.ts';
import { makeTempDir } from '../helpers/paths.ts';
import { withWarnings } from './capture-log.ts';
import {
  movTextClip,
  probe,
  probeRotation,
  probeVideoStream,
  rotatedClip,
  testsrcClip,
  testsrcFolder,
  vfrClip,
} from './upconvert-fixtures.ts';

const REPEAT: UpconvertOptions = {
  factor: 2, method: createRepeatInterpolator(), progress: false,
};

function same(a: Frame, b: Frame): boolean {
  return a.width === b.width && a.height === b.height &&
    Buffer.from(a.data).equals(Buffer.from(b.data));
}

/** Seconds of the video and of the (first) audio stream of `path`. */
function durations(path: string): { video: number; audio: number } {
  const streams = probe(path).streams;
  const of = (type: string) =>
    Number(streams.find((s) => s.codec_type === type)?.duration);
  return { video: of('video'), audio: of('audio') };
}

describe('upconvert inputs', () => {
  let dir: string;
  let cleanup: () => void;

  beforeAll(() => {
    setLogger(createLogger('silent'));
    ({ dir, cleanup } = makeTempDir('fruc-upconvert-inputs-'));
  });
  afterAll(() => cleanup());

  describe('a rotated clip', () => {
    let clip: { plain: string; rotated: string };

    beforeAll(() => {
      clip = rotatedClip(dir);
    });

    it('gives an mp4 of the stored size with the same rotation', async () => {
      const out = join(dir, 'rotated-x2.mp4');

      const result = await upconvert(clip.rotated, out, REPEAT);

      expect(probeRotation(clip.rotated)).toBe(90);
      expect(probeRotation(out)).toBe(90);
      expect(result).toMatchObject({ width: 64, height: 48, framesOut: 20 });
      expect(probeVideoStream(out)).toMatchObject({
        width: 64, height: 48, nb_read_frames: '20',
      });
      expect(durations(out).audio)
        .toBeCloseTo(durations(clip.rotated).audio, 2);
    });

    it('writes the stored frames to a folder, and warns it cannot rotate', async () => {
      const out = join(dir, 'rotated-frames');
      const upright: Frame[] = [];
      for await (const frame of (await openFrameSource(clip.plain)).frames()) {
        upright.push(frame);
      }

      const { log } = await withWarnings(() =>
        upconvert(clip.rotated, out, REPEAT));

      const frames = await Promise.all(
        (await listPngFrames(out)).map((f) => readPng(f)));
      expect(frames).toHaveLength(20);
      upright.forEach((frame, i) => {
        expect(same(frames[2 * i], frame)).toBe(true);
      });
      expect(log).toContain(
        'rotated by 90 degrees, which a folder of frames cannot record');
    });
  });

  describe('a variable-frame-rate clip', () => {
    it('keeps its duration, as long as its audio, and warns', async () => {
      const input = vfrClip(join(dir, 'vfr.mp4'));
      const out = join(dir, 'vfr-x2.mp4');

      const { result, log } = await withWarnings(() => upconvert(input, out, {
        ...REPEAT, method: createBlendInterpolator(),
      }));

      const { video, audio } = durations(out);
      expect(audio).toBeCloseTo(4, 1);
      expect(Math.abs(video - audio)).toBeLessThan(2 / 30);
      expect(Math.abs(result.framesIn - 120)).toBeLessThanOrEqual(1);
      expect(probeVideoStream(out).r_frame_rate).toBe('60/1');
      expect(log).toContain(
        'vfr.mp4 has a variable frame rate: 80 frames over 4.00 s, where ' +
          '30 fps implies 120; frames are repeated into the gaps');
      expect(log.trim().split('\n')).toHaveLength(1);
    });

    it('when gaps are too wide to fill then it warns the output is shorter', async () => {
      // One frame a second, then 0.2 s at 30 fps: 10 frames in 4 s.
      const input = vfrClip(join(dir, 'sparse.mp4'), {
        sparseSec: 3.8, keepEvery: 30,
      });

      const { result, log } = await withWarnings(() =>
        upconvert(input, join(dir, 'sparse-x2.mp4'), REPEAT));

      expect(result.framesIn).toBe(10);
      expect(log).toContain(
        'sparse.mp4 has a variable frame rate or frames that could not be ' +
          'decoded: 120 frames expected (4.00 s at 30 fps) but 10 decoded, ' +
          'so the output lasts 0.33 s instead of 4.00 s');
    });

    it('a constant-rate clip keeps its frame count and gets no warning', async () => {
      const input = testsrcClip(join(dir, 'cfr.mkv'), {
        size: '32x24', rate: 25, frames: 30,
      });

      const { result, log } = await withWarnings(() =>
        upconvert(input, join(dir, 'cfr-x2.mkv'), REPEAT));

      expect(result.framesOut).toBe(60);
      expect(log).toBe('');
    });
  });

  describe('an output that is the input', () => {
    it('refuses the same file by any path, even with overwrite', async () => {
      const input = testsrcClip(join(dir, 'small.mp4'), {
        size: '32x24', rate: 10, frames: 4,
      });
      const link = join(dir, 'small-link.mp4');
      symlinkSync(input, link);
      const before = readFileSync(input);
      const mtime = statSync(input).mtimeMs;
      const spellings = [
        input,
        join(dir, '..', basename(dir), 'small.mp4'),
        relative(process.cwd(), input),
        link,
      ];

      for (const out of spellings) {
        await expect(upconvert(input, out, { ...REPEAT, overwrite: true }))
          .rejects.toMatchObject({
            code: 'FRUC_OUTPUT_IS_INPUT',
            message: expect.stringMatching(/is the input .*small\.mp4/),
          });
      }

      expect(readFileSync(input).equals(before)).toBe(true);
      expect(statSync(input).mtimeMs).toBe(mtime);
      expect(readdirSync(dir).filter((n) => n.includes('partial')))
        .toEqual([]);
    });

    it('refuses a frames folder given as input and output', async () => {
      const folder = testsrcFolder(join(dir, 'own-frames'), {
        size: '16x16', frames: 3,
      });

      await expect(upconvert(folder, `${folder}/`, {
        ...REPEAT, overwrite: true,
      })).rejects.toMatchObject({ code: 'FRUC_OUTPUT_IS_INPUT' });

      expect(await listPngFrames(folder)).toHaveLength(3);
    });

    it('refuses an output folder that holds the input', async () => {
      const holder = join(dir, 'holder');
      mkdirSync(holder);
      const input = testsrcClip(join(holder, 'in.mp4'), {
        size: '16x16', rate: 10, frames: 2,
      });

      await expect(upconvert(input, holder, { ...REPEAT, overwrite: true }))
        .rejects.toMatchObject({
          code: 'FRUC_OUTPUT_IS_INPUT',
          message: expect.stringMatching(/holder holds the input/),
        });

      expect(readdirSync(holder)).toEqual(['in.mp4']);
    });
  });

  it('when a .mkv cannot hold a copied subtitle then it names it', async () => {
    const input = movTextClip(dir);
    const outDir = join(dir, 'mkv-fail');

    const error = await upconvert(input, join(outDir, 'x.mkv'), REPEAT)
      .then(() => undefined, (err: unknown) => err as FrucError);

    expect(error?.code).toBe('FRUC_STREAM_COPY_FAILED');
    expect(error?.message).toContain(
      'the subtitle stream #2 (mov_text) cannot be copied into a .mkv file');
    expect(error?.message).toContain(
      'write a .mp4 file, as the input is, or convert that stream');
    expect(error?.message).not.toContain('write a .mkv file instead');
    expect(error?.message).not.toContain('\n');
    expect(readdirSync(outDir)).toEqual([]);
  });
});
