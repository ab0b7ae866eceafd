import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { NO_BACKEND, runEval } from '../../src/eval/run-eval.ts';
import { makeTempDir, sharedData } from '../helpers/paths.ts';

const temp = makeTempDir();
afterAll(() => temp.cleanup());

describe('runEval run.json', () => {
  it('records the options as given when no argv is passed', async () => {
    const out = join(temp.dir, 'no-argv');
    const data = [sharedData('ucf101-triplets')];

    await runEval({ data, methods: ['repeat', 'blend'], out,
      overwrite: false, maxSamples: 1, cropSize: 32 });

    const run = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8'));
    expect(run.args).toBeNull();
    expect(run.options).toEqual({ data, methods: ['repeat', 'blend'], out,
      overwrite: false, maxSamples: 1, cropSize: 32, backend: null });
    expect(run.backend).toBe(NO_BACKEND);
    expect(run.methods).toEqual([{ label: 'repeat', kind: 'baseline' },
      { label: 'blend', kind: 'baseline' }]);
  });
});
