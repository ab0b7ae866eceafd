import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { makeTempDir } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('fruc demo', () => {
  const temp = makeTempDir();
  afterAll(temp.cleanup);

  it('runs extract, upconvert and eval on a generated clip and writes the report', () => {
    const result = runCli(
      ['demo', '--no-download', '--eval-samples', '3', '--max-triplets', '5',
        '--out', 'demo-out', '--backend', 'wasm', '--videos-dir', 'clips'],
      { cwd: temp.dir },
    );

    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/synthetic clip from ffmpeg/);
    expect(result.stdout).toMatch(/^upconverted 192 -> 384 frames/m);
    for (const method of ['repeat', 'blend', 'minterpolate']) {
      expect(result.stdout).toMatch(new RegExp(`generated-testsrc2\\.mp4\\s+${method}`));
    }
    const out = join(temp.dir, 'demo-out');
    expect(readdirSync(join(out, 'triplets'))).toContain('manifest.json');
    expect(existsSync(join(out, 'generated-testsrc2-x2.mp4'))).toBe(true);
    const results = JSON.parse(
      readFileSync(join(out, 'report', 'results.json'), 'utf8'),
    ) as { datasets: { samples: unknown[] }[] };
    expect(results.datasets[0].samples).toHaveLength(3);
    expect(existsSync(join(out, 'report', 'report.html'))).toBe(true);
    // run.json names where the report ended up, not its temporary folder.
    const run = JSON.parse(
      readFileSync(join(out, 'report', 'run.json'), 'utf8'));
    expect(run.options.out).toBe(join(resolve(out), 'report'));
  });

  it('refuses to replace a folder of the user\'s files', () => {
    const mine = join(temp.dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'precious\n');

    const result = runCli(['demo', '--no-download', '--out', 'mine',
      '--videos-dir', 'clips'], { cwd: temp.dir });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/mine is a folder that fruc did not write/);
    expect(readdirSync(mine)).toEqual(['notes.txt']);
  });

  it('refuses to replace a file given as its output folder', () => {
    writeFileSync(join(temp.dir, 'notes.txt'), 'precious\n');

    const result = runCli(['demo', '--no-download', '--out', 'notes.txt',
      '--videos-dir', 'clips'], { cwd: temp.dir });

    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/notes\.txt is a file, not an output folder/);
    expect(readFileSync(join(temp.dir, 'notes.txt'), 'utf8')).toBe('precious\n');
  });

  it('rejects a clip that does not exist with one line', () => {
    const result = runCli(['demo', '--clip', 'missing.mp4', '--out', 'x'],
      { cwd: temp.dir });

    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(
      /^fruc: error: .*missing\.mp4 does not exist/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(temp.dir, 'x'))).toBe(false);
  });
});
