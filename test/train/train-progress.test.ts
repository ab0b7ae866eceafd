import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createTrainProgress } from '../../src/train/train-progress.ts';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('createTrainProgress', () => {
  it('shows step, main losses, samples per second and time left', () => {
    const { stream, text } = capture();
    const progress = createTrainProgress(10, 300, { force: true, stream });

    progress.update(11, { g_total: 0.03125, g_adv: 0.5, d_real: 0.4 }, 5.25);
    progress.stop();

    const last = text().trim().split('\n').at(-1) ?? '';
    expect(last).toContain('step 11/300 | g_total 0.0313 g_adv 0.5000 |');
    expect(last).toMatch(/\| 5\.3 samples\/s \| \S+ left$/);
  });

  it('draws nothing off a terminal by default', () => {
    const { stream, text } = capture();
    const progress = createTrainProgress(0, 5, { stream });

    progress.update(1, { g_total: 1 }, 1);
    progress.stop();

    expect(text()).toBe('');
  });
});
