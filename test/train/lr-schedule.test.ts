import { describe, expect, it } from 'vitest';

import {
  createLrSchedule,
  initialScheduleState,
} from '../../src/train/lr-schedule.ts';

describe('createLrSchedule', () => {
  it('constant: factor 1 whatever happens', () => {
    const schedule = createLrSchedule({ kind: 'constant' });

    schedule.onValidation(20);
    schedule.onValidation(10);

    expect(schedule.scaleForStep(1_000_000)).toBe(1);
  });

  it('step: steps 1..every at the base rate, then times gamma', () => {
    const schedule = createLrSchedule({ kind: 'step', every: 10, gamma: 0.5 });

    const scales = [1, 10, 11, 20, 21, 31].map((s) => schedule.scaleForStep(s));

    expect(scales).toEqual([1, 1, 0.5, 0.5, 0.25, 0.125]);
  });

  it('plateau: cuts after patience validations without gain, down to min',
    () => {
      const schedule = createLrSchedule(
        { kind: 'plateau', patience: 2, factor: 0.5, threshold: 0.1,
          minLr: 0 },
        initialScheduleState(),
        0.3,
      );

      const changes = [30, 30.05, 30.09, 31, 30, 30, 30, 30].map(
        (psnr) => [schedule.onValidation(psnr), schedule.scaleForStep(1)]);

      expect(changes).toEqual([
        [false, 1], [false, 1], [true, 0.5], [false, 0.5], [false, 0.5],
        [true, 0.3], [false, 0.3], [false, 0.3],
      ]);
      expect(schedule.state()).toEqual(
        { scale: 0.3, bestPsnr: 31, badValidations: 0 });
    });

  it('continues from a saved state', () => {
    const config = { kind: 'plateau' as const, patience: 2, factor: 0.5,
      threshold: 0, minLr: 0 };
    const first = createLrSchedule(config);
    first.onValidation(30);
    first.onValidation(29);

    const resumed = createLrSchedule(config, first.state());

    expect(resumed.onValidation(29)).toBe(true);
    expect(resumed.scaleForStep(5)).toBe(0.5);
  });
});
