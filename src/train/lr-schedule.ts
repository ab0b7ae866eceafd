/**
 * Learning-rate schedules (the config's `schedule` section). A schedule
 * yields a factor applied to both base rates alike, so the
 * discriminator-to-generator ratio never changes.
 */
import type { TrainConfig } from '../config/train-config.ts';

/** The config's `schedule` section. */
export type ScheduleConfig = TrainConfig['schedule'];

/** Everything a schedule remembers; saved in checkpoints. */
export interface ScheduleState {
  /** Current factor on the base rates, (0, 1]. */
  scale: number;
  /** Best validation PSNR seen (plateau), `null` before any. */
  bestPsnr: number | null;
  /** Validations since the last improvement (plateau). */
  badValidations: number;
}

/** A learning-rate schedule. */
export interface LrSchedule {
  /** Current state (a copy). */
  state(): ScheduleState;
  /** Factor for the step about to run (1-based step number). */
  scaleForStep(step: number): number;
  /**
   * Reports a validation PSNR; the plateau schedule may cut the factor.
   * @returns true when the factor changed.
   */
  onValidation(psnr: number): boolean;
}

/** State of a schedule that has not run yet. */
export function initialScheduleState(): ScheduleState {
  return { scale: 1, bestPsnr: null, badValidations: 0 };
}

/**
 * Builds the schedule the config names, starting from `state` (a fresh
 * state, or one restored from a checkpoint).
 * - `constant`: factor 1 always.
 * - `step`: factor gamma^floor((step - 1) / every): steps 1..every run at
 *   the base rate.
 * - `plateau`: after `patience` validations without a PSNR gain of at
 *   least `threshold` dB, multiply by `factor`, never going below
 *   `minLr / baseLr` (`minScale`).
 * @param minScale For `plateau`: `minLr` divided by the larger base rate.
 */
export function createLrSchedule(
  config: ScheduleConfig,
  state: ScheduleState = initialScheduleState(),
  minScale = 0,
): LrSchedule {
  const current: ScheduleState = { ...state };
  return {
    state: () => ({ ...current }),
    scaleForStep(step) {
      if (config.kind === 'step') {
        current.scale = config.gamma ** Math.floor((step - 1) / config.every);
      }
      return current.scale;
    },
    onValidation(psnr) {
      if (config.kind !== 'plateau') {
        return false;
      }
      const best = current.bestPsnr;
      if (best === null || psnr >= best + config.threshold) {
        current.bestPsnr = psnr;
        current.badValidations = 0;
        return false;
      }
      current.badValidations += 1;
      if (current.badValidations < config.patience) {
        return false;
      }
      current.badValidations = 0;
      const cut = Math.max(current.scale * config.factor, minScale);
      const changed = cut !== current.scale;
      current.scale = cut;
      return changed;
    },
  };
}
