import { describe, expect, it } from 'vitest';

import {
  resolveMethod,
  type UpconvertFlags,
} from '../../src/cli/upconvert-command.ts';

const BASE: UpconvertFlags = {
  factor: 2, sceneThreshold: 0.3, progress: false, backend: 'auto',
};
const SHIPPED = '/pkg/checkpoints/default';

describe('upconvert method choice', () => {
  it('takes the shipped generator when no method or checkpoint is given', () => {
    expect(resolveMethod(BASE, SHIPPED)).toEqual(
      { method: 'model', checkpoint: SHIPPED });
    expect(resolveMethod({ ...BASE, method: 'model' }, SHIPPED)).toEqual(
      { method: 'model', checkpoint: SHIPPED });
  });

  it('falls back to blend where no generator ships', () => {
    expect(resolveMethod(BASE, null)).toEqual(
      { method: 'blend', checkpoint: undefined });
  });

  it('keeps a named method or checkpoint over the shipped one', () => {
    expect(resolveMethod({ ...BASE, method: 'minterpolate' }, SHIPPED))
      .toEqual({ method: 'minterpolate', checkpoint: undefined });
    expect(resolveMethod({ ...BASE, checkpoint: 'runs/x' }, SHIPPED))
      .toEqual({ method: 'model', checkpoint: 'runs/x' });
  });

  it('refuses --method model where none ships and none is given', () => {
    expect(() => resolveMethod({ ...BASE, method: 'model' }, null))
      .toThrow(/none ships \(checkpoints\/default is missing\); pass --checkpoint DIR/);
  });
});
