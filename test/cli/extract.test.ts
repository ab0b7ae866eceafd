import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { runCli } from '../helpers/run-cli.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

const BOX = sharedData('videos', 'box.mp4');
const temp = makeTempDir('fruc-cli-extract-');
afterAll(() => temp.cleanup());

function expectOneLineError(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^fruc: error: /);
  expect(lines[0]).toMatch(pattern);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe('fruc extract', () => {
  it('writes crops, the manifest and a summary table', () => {
    const out = join(temp.dir, 'ok');

    const result = runCli([
      'extract', BOX, '--out', out, '--max-triplets', '2',
      '--crop-size', '64', '--crops-per-triplet', '2', '--seed', 'cli',
    ]);

    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^source\s+frames\s+triplets\s+kept/);
    expect(result.stdout).toMatch(/^box\s+\d+\s+\d+\s+2\s+\d+\s+\d+\s+4$/m);
    expect(result.stdout).toMatch(/^total\s/m);
    expect(result.stderr).toMatch(/extract: box: reading .*box\.mp4/);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    expect(manifest.options).toMatchObject({
      cropSize: 64, cropsPerTriplet: 2, stride: 2, maxTriplets: 2, seed: 'cli',
    });
    expect(readdirSync(join(out, 'box'))).toHaveLength(4);
  });

  it('refuses an existing output without --overwrite', () => {
    const out = join(temp.dir, 'exists');
    mkdirSync(out);

    const result = runCli(['extract', BOX, '--out', out]);

    expect(result.status).toBe(2);
    expectOneLineError(result.stderr, /already exists.*--overwrite/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('reports a missing input in one line', () => {
    const out = join(temp.dir, 'missing');

    const result = runCli(['extract', join(temp.dir, 'nope.mp4'), '--out', out]);

    expect(result.status).toBe(2);
    expectOneLineError(result.stderr, /nope\.mp4 does not exist/);
    expect(existsSync(out)).toBe(false);
  });

  it('reports a text file named .mp4 in one line', () => {
    const fake = join(temp.dir, 'fake.mp4');
    writeFileSync(fake, 'hello\n');

    const result = runCli(['extract', fake, '--out', join(temp.dir, 'fake')]);

    expect(result.status).toBe(2);
    expectOneLineError(result.stderr, /fake\.mp4 is not a video/);
  });

  it('reports a crop larger than the frames in one line', () => {
    const out = join(temp.dir, 'big');

    const result = runCli(['extract', BOX, '--out', out, '--crop-size', '500']);

    expect(result.status).toBe(2);
    expectOneLineError(result.stderr, /--crop-size 500 does not fit the 640x480/);
    expect(existsSync(out)).toBe(false);
  });

  it('requires --out and rejects a bad stride or gap', () => {
    const noOut = runCli(['extract', BOX]);
    const badStride = runCli([
      'extract', BOX, '--out', join(temp.dir, 's'), '--stride', '0',
    ]);
    const badGaps = runCli([
      'extract', BOX, '--out', join(temp.dir, 'g'), '--gaps', '1,x',
    ]);

    expect(noOut.status).toBe(2);
    expectOneLineError(noOut.stderr, /pass --out DIR/);
    expect(badStride.status).toBe(2);
    expect(badStride.stderr).toMatch(/--stride.*whole number >= 1/);
    expect(badGaps.status).toBe(2);
    expectOneLineError(badGaps.stderr, /--gaps.*such as 1,2,3/);
    expect(existsSync(join(temp.dir, 'g'))).toBe(false);
  });
});
