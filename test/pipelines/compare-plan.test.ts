import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createComparePlan, deepMerge } from '../../src/pipelines/compare-plan.ts';
import {
  applyCompareFlags,
  loadCompareSettings,
  SETTING_NAMES,
} from '../../src/pipelines/compare-settings.ts';
import { phaseKey, readPhase, writePhase } from '../../src/pipelines/phase-marker.ts';
import { makeTempDir, SHARED_DATA } from '../helpers/paths.ts';

const temp = makeTempDir('fruc-plan-');
afterAll(() => temp.cleanup());

describe('deepMerge', () => {
  it('merges objects key by key and replaces other values', () => {
    const base = { a: { x: 1, y: 2 }, list: [1, 2], n: 1 };

    const merged = deepMerge(base, { a: { y: 3 }, list: [9] });

    expect(merged).toEqual({ a: { x: 1, y: 3 }, list: [9], n: 1 });
    expect(base.a.y).toBe(2);
  });

  it('replaces an object whose kind differs', () => {
    const base = { schedule: { kind: 'step', every: 200, gamma: 0.5 } };

    const merged = deepMerge(base, { schedule: { kind: 'constant' } });

    expect(merged).toEqual({ schedule: { kind: 'constant' } });
  });
});

describe('loadCompareSettings', () => {
  it('loads every shipped setting', () => {
    for (const name of SETTING_NAMES) {
      const settings = loadCompareSettings(name);

      expect(settings.losses).toContain('pixel');
      expect(settings.pretrainSteps).toBeGreaterThan(0);
    }
  });

  it('rejects an unknown setting name', () => {
    expect(() => loadCompareSettings('medium')).toThrow(
      expect.objectContaining({ code: 'FRUC_UNKNOWN_SETTING' }));
  });

  it('rejects a settings file with an unknown key', () => {
    const path = join(temp.dir, 'typo.json');
    writeFileSync(path, JSON.stringify(
      { pretrainSteps: 1, finetuneSteps: 1, finetuneStep: 2 }));

    expect(() => loadCompareSettings(path))
      .toThrow(/unknown key "finetuneStep"/);
  });
});

describe('applyCompareFlags', () => {
  it('overrides only the fields given and makes paths absolute', () => {
    const settings = loadCompareSettings('small');

    const applied = applyCompareFlags(settings, {
      finetuneSteps: 7, losses: ['aagan'], videos: ['clip.mp4'] });

    expect(applied.finetuneSteps).toBe(7);
    expect(applied.losses).toEqual(['aagan']);
    expect(applied.videos[0]).toBe(join(process.cwd(), 'clip.mp4'));
    expect(applied.pretrainSteps).toBe(settings.pretrainSteps);
  });

  it('rejects an unknown loss name', () => {
    const settings = loadCompareSettings('small');

    expect(() => applyCompareFlags(settings, { losses: ['wgan'] })).toThrow(
      expect.objectContaining({ code: 'FRUC_CONFIG_INVALID' }));
  });
});

describe('createComparePlan', () => {
  it('gives every run the setting\'s steps, crops, batch and seed', () => {
    const settings = applyCompareFlags(
      loadCompareSettings('small'), { seeds: [0, 4] });

    const plan = createComparePlan(settings);

    expect(plan.map((p) => p.seed)).toEqual([0, 4]);
    const [second] = plan.slice(1);
    expect(second.pretrain.loss.name).toBe('pixel');
    expect(second.pretrain.steps).toBe(settings.pretrainSteps);
    expect(second.pretrain.seed).toBe(4);
    expect(second.finetune.map((f) => f.loss)).toEqual(settings.losses);
    for (const { config } of second.finetune) {
      expect(config.steps).toBe(settings.finetuneSteps);
      expect(config.cropSize).toBe(settings.cropSize);
      expect(config.batchSize).toBe(settings.batchSize);
      expect(config.seed).toBe(4);
    }
  });

  it('fine-tunes the pixel control with the adversarial optimiser', () => {
    const plan = createComparePlan(loadCompareSettings('small'));

    const byLoss = new Map(plan[0].finetune.map((f) => [f.loss, f.config]));

    expect(byLoss.get('pixel')?.optim).toEqual(byLoss.get('aagan')?.optim);
    expect(byLoss.get('pixel')?.schedule).toEqual({ kind: 'constant' });
    expect(plan[0].pretrain.schedule.kind).toBe('step');
  });

  it('rejects a crop size the discriminator depth does not divide', () => {
    const settings = applyCompareFlags(
      loadCompareSettings('small'), { cropSize: 36 });

    expect(() => createComparePlan(settings)).toThrow(/cropSize/);
  });

  it('rejects a loss config folder without the loss configs', () => {
    const settings = {
      ...loadCompareSettings('small'), lossConfigs: SHARED_DATA };

    expect(() => createComparePlan(settings)).toThrow(
      expect.objectContaining({ code: 'FRUC_PIPELINE_CONFIG' }));
  });
});

describe('phase markers', () => {
  it('are found for their own key only', async () => {
    const path = join(temp.dir, 'phases', 'a.json');
    const key = phaseKey({ steps: 3 });

    await writePhase(path, key, 1.5, { checkpoint: 'x' });

    expect((await readPhase(path, key))?.result).toEqual({ checkpoint: 'x' });
    expect(await readPhase(path, phaseKey({ steps: 4 }))).toBeUndefined();
  });

  it('treat an unreadable marker as not done', async () => {
    const path = join(temp.dir, 'broken.json');
    writeFileSync(path, '{ half');

    expect(await readPhase(path, phaseKey({}))).toBeUndefined();
  });
});
