import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { defaultMethods } from '../../src/eval/run-eval.ts';
import {
  DEFAULT_CHECKPOINT,
  findDefaultCheckpoint,
} from '../../src/models/default-checkpoint.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

describe('default checkpoint', () => {
  it('lives in the package, not the working folder', () => {
    expect(DEFAULT_CHECKPOINT).toBe(join(REPO_ROOT, 'checkpoints', 'default'));
  });

  it('is found only where a checkpoint.json is', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fruc-default-'));

    expect(findDefaultCheckpoint(dir)).toBeUndefined();
    await writeFile(join(dir, 'checkpoint.json'), '{}');
    expect(findDefaultCheckpoint(dir)).toBe(dir);
    await rm(dir, { recursive: true, force: true });
  });

  it('joins the eval baselines when it ships', () => {
    expect(defaultMethods(undefined)).toEqual(['repeat', 'blend', 'minterpolate']);
    expect(defaultMethods(DEFAULT_CHECKPOINT)).toEqual(
      ['repeat', 'blend', 'minterpolate', 'default']);
  });
});
