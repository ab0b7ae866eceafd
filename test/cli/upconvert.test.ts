import * as tf from '@tensorflow/tfjs';
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { saveCheckpoint } from '../../src/models/checkpoint.ts';
import { createGenerator } from '../../src/models/generator.ts';
import { REPO_ROOT, makeTempDir, sharedData } from '../helpers/paths.ts';
import { runCli, type CliResult } from '../helpers/run-cli.ts';
import {
  audioPacketsMd5,
  davisFolder,
  ffmpeg,
  probe,
  probeRotation,
  probeVideoStream,
  rotatedClip,
  testsrcClip,
  testsrcFolder,
  vfrClip,
} from '../video/upconvert-fixtures.ts';

const BOX = sharedData('videos', 'box.mp4');
const VTEST = sharedData('videos', 'vtest.avi');

/** One line on stderr starting `fruc: error:`, no stack trace. */
function expectOneLineError(result: CliResult, pattern: RegExp): void {
  expect(result.status).not.toBe(0);
  const lines = result.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^fruc: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/\n\s+at /);
}

describe('fruc upconvert', () => {
  let dir: string;
  let cleanup: () => void;

  beforeAll(() => {
    ({ dir, cleanup } = makeTempDir('fruc-upconvert-cli-'));
  });
  afterAll(() => cleanup());

  it('box.mp4: 910 frames at 60000/1001 fps, same duration, same audio', () => {
    const out = join(dir, 'box-x2.mp4');

    const result = runCli(['upconvert', BOX, out, '--method', 'blend']);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^upconverted 455 -> 910 frames, 29\.970 -> 59\.940 fps \(60000\/1001\)/,
    );
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const input = probe(BOX);
    const output = probe(out);
    const video = output.streams.find((s) => s.codec_type === 'video');
    const frameSec = 1001 / 30000;
    expect(video?.nb_read_frames).toBe('910');
    expect(video?.r_frame_rate).toBe('60000/1001');
    expect(Number(video?.duration)).toBeCloseTo(455 * frameSec, 3);
    expect(Math.abs(Number(output.format.duration) -
      Number(input.format.duration))).toBeLessThan(frameSec);
    expect(output.streams.filter((s) => s.codec_type === 'audio'))
      .toHaveLength(1);
    expect(audioPacketsMd5(out)).toBe(audioPacketsMd5(BOX));
  });

  it('vtest.avi: 1590 frames at 20 fps', () => {
    const out = join(dir, 'vtest-x2.mp4');

    const result = runCli(['upconvert', VTEST, out, '--method', 'blend']);

    expect(result.status).toBe(0);
    const video = probeVideoStream(out);
    expect(video.nb_read_frames).toBe('1590');
    expect(video.r_frame_rate).toBe('20/1');
    expect(Number(video.duration)).toBeCloseTo(79.5, 2);
  });

  it('a clip tagged rotate=90 keeps its stored size and its rotation', () => {
    const { rotated } = rotatedClip(dir);
    const out = join(dir, 'rotated-x2.mp4');

    const result = runCli(['upconvert', rotated, out, '--method', 'repeat']);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^upconverted 10 -> 20 frames/);
    expect(probeRotation(rotated)).toBe(90);
    expect(probeRotation(out)).toBe(90);
    expect(probeVideoStream(out)).toMatchObject({
      width: 64, height: 48, nb_read_frames: '20',
    });
  });

  it('a variable-frame-rate clip lasts as long as its audio, with a warning', () => {
    const input = vfrClip(join(dir, 'vfr.mp4'));
    const out = join(dir, 'vfr-x2.mp4');

    const result = runCli(['upconvert', input, out, '--method', 'blend']);

    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/WARN.*vfr\.mp4 has a variable frame rate/);
    const streams = probe(out).streams;
    const seconds = (type: string) =>
      Number(streams.find((s) => s.codec_type === type)?.duration);
    expect(Math.abs(seconds('video') - seconds('audio'))).toBeLessThan(2 / 30);
  });

  it('an odd-size PNG folder at --fps 25 becomes a 50 fps mp4', () => {
    const input = davisFolder(dir, 10);
    const out = join(dir, 'davis-x2.mp4');

    const result = runCli([
      'upconvert', input, out, '--fps', '25', '--method', 'repeat',
    ]);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/10 -> 20 frames.*method repeat/);
    const video = probeVideoStream(out);
    expect(video).toMatchObject({
      width: 960, height: 507, r_frame_rate: '50/1', nb_read_frames: '20',
    });
  });

  it('--checkpoint upconverts through the model (4 x N frames)', async () => {
    const checkpoint = join(dir, 'ckpt-tiny');
    const config = { width: 4, levels: 2 };
    await saveCheckpoint(checkpoint,
      { generator: createGenerator(config), config, step: 0 });
    const input = testsrcFolder(join(dir, 'model-in'), {
      size: '37x21', frames: 3,
    });
    const out = join(dir, 'model-out');

    const result = runCli([
      'upconvert', input, out, '--checkpoint', checkpoint, '--factor', '4',
      '--backend', 'cpu',
    ]);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/3 -> 12 frames.*method model:ckpt-tiny/);
    expect(readdirSync(out).filter((n) => n.endsWith('.png'))).toHaveLength(12);
  });

  it('--threads 2 on wasm writes the frames one thread writes', async () => {
    const checkpoint = join(dir, 'ckpt-random');
    const config = { width: 4, levels: 2 };
    const generator = createGenerator(config);
    generator.setWeights(generator.getWeights().map((w, i) =>
      tf.randomNormal(w.shape, 0, 0.2, 'float32', 3 + i)));
    await saveCheckpoint(checkpoint, { generator, config, step: 0 });
    const input = testsrcFolder(join(dir, 'threads-in'), {
      size: '97x61', frames: 9,
    });
    const frames = (out: string) => readdirSync(out).filter(
      (n) => n.endsWith('.png')).sort().map(
      (n) => readFileSync(join(out, n)).toString('base64'));

    const one = runCli(['upconvert', input, join(dir, 'threads-1'),
      '--checkpoint', checkpoint, '--backend', 'wasm', '--threads', '1']);
    const two = runCli(['upconvert', input, join(dir, 'threads-2'),
      '--checkpoint', checkpoint, '--backend', 'wasm', '--threads', '2']);

    expect(one.status).toBe(0);
    expect(two.status).toBe(0);
    expect(two.stderr).toMatch(/in 2 worker threads/);
    const written = frames(join(dir, 'threads-2'));
    expect(written).toHaveLength(18);
    expect(written).toEqual(frames(join(dir, 'threads-1')));
  }, 240_000);

  it('when interrupted with Ctrl-C then it removes the partial output', async () => {
    const outDir = join(dir, 'interrupted');
    mkdirSync(outDir);
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'fruc.js'), 'upconvert', VTEST,
        join(outDir, 'v.mp4')],
      { stdio: 'ignore' },
    );
    const exited = once(child, 'exit');

    // Interrupt once the encoder is writing its temporary file.
    for (let i = 0; i < 200 && readdirSync(outDir).length === 0; i++) {
      await sleep(100);
    }
    const seen = readdirSync(outDir);
    child.kill('SIGINT');
    const [code] = await exited;

    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^\.v\.mp4\.partial-/);
    expect(code).toBe(130);
    expect(readdirSync(outDir)).toEqual([]);
  });

  it('when the terminal interrupts the whole process group then it exits 130 cleanly', async () => {
    const outDir = join(dir, 'interrupted-group');
    mkdirSync(outDir);
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'fruc.js'), 'upconvert', VTEST,
        join(outDir, 'v.mp4')],
      { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
    );
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(child, 'exit');

    // Like Ctrl-C in a terminal: SIGINT to node and its ffmpeg children.
    for (let i = 0; i < 200 && readdirSync(outDir).length === 0; i++) {
      await sleep(100);
    }
    await sleep(500);
    process.kill(-(child.pid as number), 'SIGINT');
    const [code] = await exited;

    expect(code).toBe(130);
    expect(stderr).toMatch(/fruc: interrupted/);
    expect(stderr).not.toMatch(/fruc: error|\n\s+at /);
    expect(readdirSync(outDir)).toEqual([]);
  });

  describe('bad input', () => {
    let outDir: string;

    beforeAll(() => {
      outDir = join(dir, 'bad-out');
      mkdirSync(outDir);
      ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=10',
        '-frames:v', '1', join(outDir, 'taken.mp4')]);
      writeFileSync(join(dir, 'notes.mp4'), 'these are notes, not a video\n');
      ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1',
        '-c:a', 'aac', join(dir, 'sine.mp4')]);
    });

    function run(args: string[]): CliResult {
      return runCli(['upconvert', ...args], { timeoutMs: 60_000 });
    }

    function expectNothingLeft(): void {
      expect(readdirSync(outDir)).toEqual(['taken.mp4']);
    }

    it('an output extension that cannot hold H.264', () => {
      const result = run([BOX, join(outDir, 'x.webm')]);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(
        /^fruc: error: .*x\.webm: cannot write a video with extension \.webm; use \.mp4/,
      );
      expectNothingLeft();
    });

    it('a folder of the user\'s files as output, even with --overwrite', () => {
      const mine = join(dir, 'my-folder');
      mkdirSync(mine);
      writeFileSync(join(mine, 'notes.txt'), 'mine\n');

      const result = run([BOX, mine, '--overwrite']);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/is a folder that fruc did not write/);
      expect(readdirSync(mine)).toEqual(['notes.txt']);
    });

    it('more inference threads than the machine has cores', () => {
      const threads = String(Math.max(2, availableParallelism()) + 1);

      const result = run([BOX, join(outDir, 'a.mp4'), '--threads', threads]);

      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(new RegExp(
        `--threads <n>' argument '${threads}' is invalid\\. expected a ` +
        'whole number 1\\.\\.'));
      expectNothingLeft();
    });

    it('a missing file', () => {
      const result = run([join(dir, 'missing.mp4'), join(outDir, 'a.mp4')]);

      expectOneLineError(result, /missing\.mp4 does not exist/);
      expectNothingLeft();
    });

    it('a text file named .mp4', () => {
      const result = run([join(dir, 'notes.mp4'), join(outDir, 'a.mp4')]);

      expectOneLineError(result, /notes\.mp4 is not a video ffmpeg can read/);
      expectNothingLeft();
    });

    it('an audio-only file', () => {
      const result = run([join(dir, 'sine.mp4'), join(outDir, 'a')]);

      expectOneLineError(result, /sine\.mp4 has no video stream/);
      expectNothingLeft();
    });

    it('an existing output without --overwrite', () => {
      const taken = join(outDir, 'taken.mp4');
      const before = readFileSync(taken);
      const mtime = statSync(taken).mtimeMs;

      const result = run([BOX, taken]);

      expectOneLineError(result, /taken\.mp4 already exists.*--overwrite/);
      expect(readFileSync(taken).equals(before)).toBe(true);
      expect(statSync(taken).mtimeMs).toBe(mtime);
      expectNothingLeft();
    });

    it('the input itself as output, by any path, even with --overwrite', () => {
      const small = testsrcClip(join(dir, 'small.mp4'), {
        size: '32x24', rate: 10, frames: 3,
      });
      symlinkSync(small, join(dir, 'small-link.mp4'));
      const before = readFileSync(small);
      const mtime = statSync(small).mtimeMs;

      for (const out of ['small.mp4', './bad-out/../small.mp4',
        'small-link.mp4']) {
        const result = runCli(['upconvert', 'small.mp4', out, '--overwrite'],
          { cwd: dir, timeoutMs: 60_000 });

        expect(result.status).toBe(2);
        expectOneLineError(result,
          /is the input small\.mp4; writing there would destroy the source/);
      }
      expect(readFileSync(small).equals(before)).toBe(true);
      expect(statSync(small).mtimeMs).toBe(mtime);
      expect(readdirSync(dir).filter((n) => n.includes('partial')))
        .toEqual([]);
    });

    it('a frames folder as both input and output', () => {
      const frames = testsrcFolder(join(dir, 'both-ways'), {
        size: '16x16', frames: 3,
      });

      const result = run([frames, frames, '--overwrite']);

      expectOneLineError(result, /both-ways is the input/);
      expect(readdirSync(frames)).toHaveLength(3);
    });

    it('a bad --factor', () => {
      const result = run([BOX, join(outDir, 'a.mp4'), '--factor', '3']);

      expectOneLineError(result, /--factor.*'3' is invalid.*2, 4, 8/);
      expectNothingLeft();
    });


    it('a --checkpoint folder that does not exist', () => {
      const result = run([
        BOX, join(outDir, 'a.mp4'), '--checkpoint', join(dir, 'no-model'),
      ]);

      expectOneLineError(result, /checkpoint folder .*no-model does not exist/);
      expectNothingLeft();
    });

    it('a --checkpoint folder that is not a checkpoint', () => {
      const notModel = join(dir, 'not-a-model');
      mkdirSync(notModel);

      const result = run([BOX, join(outDir, 'a.mp4'), '--checkpoint', notModel]);

      expectOneLineError(result, /not-a-model is not a checkpoint/);
      expectNothingLeft();
    });

    it('--fps with a video input, and an unreadable --fps', () => {
      const onVideo = run([BOX, join(outDir, 'a.mp4'), '--fps', '25']);
      const badRate = run([dir, join(outDir, 'a.mp4'), '--fps', '0']);

      expectOneLineError(onVideo, /--fps sets the rate of a folder/);
      expectOneLineError(badRate, /--fps.*'0' is invalid/);
      expectNothingLeft();
    });
  });
});
