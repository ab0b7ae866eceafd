import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  OUTPUT_MARKER,
  checkDestination,
  writeAtomically,
} from '../../src/util/atomic.ts';
import { makeTempDir } from '../helpers/paths.ts';

describe('writeAtomically', () => {
  const temp = makeTempDir();
  afterAll(temp.cleanup);

  it('marks the folders it writes and replaces them with overwrite', async () => {
    const out = join(temp.dir, 'report');
    await writeAtomically(out, false, 'folder', async (dir) => {
      mkdirSync(dir);
      await writeFile(join(dir, 'a.txt'), 'first');
    });

    await writeAtomically(out, true, 'folder', async (dir) => {
      mkdirSync(dir);
      await writeFile(join(dir, 'b.txt'), 'second');
    });

    expect(readdirSync(out).sort()).toEqual([OUTPUT_MARKER, 'b.txt']);
  });

  it('removes its temporary output when the writer fails', async () => {
    const out = join(temp.dir, 'failed');

    await expect(writeAtomically(out, false, 'folder', async (dir) => {
      mkdirSync(dir);
      throw new Error('writer broke');
    })).rejects.toThrow('writer broke');

    expect(existsSync(out)).toBe(false);
    expect(readdirSync(temp.dir).filter((n) => n.includes('failed')))
      .toEqual([]);
  });
});

describe('checkDestination', () => {
  const temp = makeTempDir();
  afterAll(temp.cleanup);

  it('refuses an existing output without overwrite', () => {
    const file = join(temp.dir, 'taken.mp4');
    writeFileSync(file, 'x');

    expect(() => checkDestination(file, false, 'file'))
      .toThrow(expect.objectContaining({ code: 'FRUC_OUTPUT_EXISTS' }));
    expect(() => checkDestination(file, true, 'file')).not.toThrow();
  });

  it('refuses a folder fruc did not write even with overwrite', () => {
    const mine = join(temp.dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'mine');

    expect(() => checkDestination(mine, true, 'folder'))
      .toThrow(expect.objectContaining({ code: 'FRUC_OUTPUT_NOT_OURS' }));
    expect(readdirSync(mine)).toEqual(['notes.txt']);
  });

  it('refuses a file where a folder would go, even with overwrite', () => {
    const file = join(temp.dir, 'notes.txt');
    writeFileSync(file, 'mine');

    expect(() => checkDestination(file, true, 'folder'))
      .toThrow(/is a file, not an output folder/);
  });

  it('refuses the working folder and the folders above it', () => {
    const ours = join(temp.dir, 'ours');
    mkdirSync(ours);
    writeFileSync(join(ours, OUTPUT_MARKER), 'written by fruc\n');
    const cwd = process.cwd();
    process.chdir(ours);
    try {
      expect(() => checkDestination('.', true, 'folder'))
        .toThrow(/is the working folder or holds it/);
      expect(() => checkDestination('..', true, 'folder'))
        .toThrow(/is the working folder or holds it/);
    } finally {
      process.chdir(cwd);
    }
  });
});
