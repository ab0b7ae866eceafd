import {
  closeSync,
  mkdirSync,
  openSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  describeSystemError,
  oneLine,
} from '../../src/cli/system-errors.ts';
import { sharedData } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';

/** The error a real `fs` call throws. */
function thrownBy(action: () => void): unknown {
  try {
    action();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw');
}

describe('describeSystemError', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fruc-syserr-'));
    file = join(dir, 'a-file');
    writeFileSync(file, 'x');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names the path, the call and what to do for a file in the way', () => {
    const err = thrownBy(() => mkdirSync(join(file, 'sub')));

    expect(describeSystemError(err)).toBe(
      `cannot use ${join(file, 'sub')} (mkdir): a part of the path is a ` +
        'file, not a folder; check the path.',
    );
  });

  it('explains a permission error', () => {
    const err = Object.assign(new Error('EACCES: permission denied'), {
      code: 'EACCES', syscall: 'open', path: '/ro/out.mp4',
    });

    expect(describeSystemError(err)).toBe(
      'cannot use /ro/out.mp4 (open): permission denied; choose a location ' +
        'you can write to, or fix its permissions.',
    );
  });

  it('explains a full disk on a write that names no path', () => {
    // /dev/full answers every write with ENOSPC, as a full disk does.
    const fd = openSync('/dev/full', 'w');
    const err = thrownBy(() => writeSync(fd, Buffer.alloc(16)));
    closeSync(fd);

    expect(describeSystemError(err)).toBe(
      'cannot write the output (write): no space left on the device; free ' +
        'some space or choose another disk.',
    );
  });

  it('leaves other errors to the internal-error path', () => {
    const missing = thrownBy(() => mkdirSync(join(dir, 'no', 'such')));

    expect(describeSystemError(missing)).toBeUndefined();
    expect(describeSystemError(new Error('plain'))).toBeUndefined();
    expect(describeSystemError('text')).toBeUndefined();
  });

  it('folds a message with line breaks onto one line', () => {
    expect(oneLine('bad json (Unexpected token\n  "not json"\n)')).toBe(
      'bad json (Unexpected token "not json" )',
    );
  });
});

describe('fruc with an output it cannot create', () => {
  it('prints one error line and exits 1 when a file is in the way', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fruc-syserr-cli-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');

    const result = runCli([
      'eval', sharedData('ucf101-triplets'), '--methods', 'repeat',
      '--max-samples', '1', '--out', join(file, 'report'),
    ]);

    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `fruc: error: cannot use ${file} (mkdir): a file is in the way; ` +
        'check the path; a file stands where a folder is needed.',
    ]);
    await rm(dir, { recursive: true, force: true });
  });
});
