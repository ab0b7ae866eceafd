import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { selectBackend } from '../../src/backend/select-backend.ts';
import type { StopRequest } from '../../src/util/interrupt.ts';
import { makeTempDir } from '../helpers/paths.ts';
import { generatorWeights, stepLosses, trainTiny } from './train-tiny.ts';

const temp = makeTempDir('fruc-step-loop-');
afterAll(() => temp.cleanup());

beforeAll(async () => {
  await selectBackend('wasm');
});

const run = trainTiny;

/** Training steps logged so far in run folder `outDir`. */
function stepsLogged(outDir: string): number {
  const path = join(outDir, 'log.jsonl');
  if (!existsSync(path)) {
    return 0;
  }
  return readFileSync(path, 'utf8').split('\n')
    .filter((line) => line.includes('"g_total"')).length;
}

/** A Ctrl-C that arrives while step `step` runs. */
function interruptDuring(outDir: string, step: number): StopRequest {
  return {
    get signal() {
      return stepsLogged(outDir) >= step ? 'SIGINT' : undefined;
    },
  };
}

describe('runSteps when asked to stop', () => {
  const straight = join(temp.dir, 'straight');

  it('when interrupted during step 3 then it saves step 3 and stops, and ' +
    'the resumed run equals an uninterrupted one', async () => {
    await run({ outDir: straight });
    const out = join(temp.dir, 'interrupted');

    const stopped = run({ outDir: out, stop: interruptDuring(out, 3) });

    await expect(stopped).rejects.toMatchObject({
      code: 'FRUC_INTERRUPTED', exitCode: 130, signal: 'SIGINT' });
    await expect(stopped).rejects.toThrow(new RegExp(
      '^stopped after step 3 of 4; saved checkpoint ' +
      `${join(out, 'checkpoints', 'step-3')}; continue with: ` +
      `fruc train --out ${out} --resume$`));
    expect(readlinkSync(join(out, 'checkpoints', 'latest'))).toBe('step-3');
    expect(stepsLogged(out)).toBe(3);

    const resumed = await run({ outDir: out, resume: true });

    expect(resumed.step).toBe(4);
    expect(stepLosses(out)).toEqual(stepLosses(straight));
    expect(await generatorWeights(join(out, 'checkpoints', 'step-4')))
      .toEqual(await generatorWeights(
        join(straight, 'checkpoints', 'step-4')));
  });

  it('when interrupted before the first step then the new run folder is ' +
    'removed and a new run there works', async () => {
    const out = join(temp.dir, 'early');

    const stopped = run({ outDir: out, stop: { signal: 'SIGTERM' } });

    await expect(stopped).rejects.toMatchObject({
      code: 'FRUC_INTERRUPTED', exitCode: 143 });
    await expect(stopped).rejects.toThrow(
      /stopped before the first step; nothing was saved and .* was removed/);
    expect(existsSync(out)).toBe(false);
    const again = await run({ outDir: out }, { steps: 1 });
    expect(again.step).toBe(1);
  });

  it('when the signal comes during the last step then the run completes',
    async () => {
      const out = join(temp.dir, 'last');

      const result = await run(
        { outDir: out, stop: interruptDuring(out, 2) }, { steps: 2 });

      expect(result.step).toBe(2);
      expect(readlinkSync(join(out, 'checkpoints', 'latest'))).toBe('step-2');
    });
});
