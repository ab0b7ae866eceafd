import { describe, expect, it } from 'vitest';

import {
  BENCH_SETTINGS,
  runTrainBlock,
} from '../../src/bench/bench-blocks.ts';
import {
  formatBenchReport,
  parseBenchArgs,
} from '../../src/bench/run-bench.ts';
import { loadTrainConfig } from '../../src/config/train-config.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

describe('parseBenchArgs', () => {
  it('runs every block by default and one with --only', () => {
    expect(parseBenchArgs([])).toEqual({
      quick: false, blocks: ['train', 'upconvert', 'memory'] });
    expect(parseBenchArgs(['--quick', '--only', 'memory'])).toEqual({
      quick: true, blocks: ['memory'] });
  });

  it('refuses an unknown block', () => {
    expect(() => parseBenchArgs(['--only', 'gpu'])).toThrow(
      expect.objectContaining({ code: 'FRUC_USAGE' }));
    expect(() => parseBenchArgs(['--only', 'gpu'])).toThrow(/unknown block/);
  });

  it('refuses an unknown option', () => {
    expect(() => parseBenchArgs(['--fast'])).toThrow(/--quick/);
  });

  it('has smaller quick settings than full ones', () => {
    expect(BENCH_SETTINGS.quick.train.size)
      .toBeLessThan(BENCH_SETTINGS.full.train.size);
    expect(BENCH_SETTINGS.quick.memory.longSeconds)
      .toBeLessThan(BENCH_SETTINGS.full.memory.longSeconds);
  });
});

describe('runTrainBlock', () => {
  it('measures every training figure on tiny settings', async () => {
    const config = loadTrainConfig(`${REPO_ROOT}/configs/aagan.json`);

    const block = await runTrainBlock(config, {
      size: 16, batch: 2, wasmSteps: 1, cpuSteps: 1, cpuSize: 16, cpuBatch: 1,
    });

    const figures = [block.wasm, block.wasmTwoThreads, block.wasmSmall,
      block.cpu];
    for (const value of figures) {
      expect(Number.isFinite(value)).toBe(true);
      expect(value).toBeGreaterThan(0);
    }
    const text = formatBenchReport({
      quick: true, startedAt: '', loadAverage: [], train: block });
    expect(text).toContain('wasm / cpu');
    expect(text).toContain('like for like at 16x16, batch 1');
    expect(text).toMatch(/target >= 20x: (PASS|MISS)/);
  }, 180_000);
});
