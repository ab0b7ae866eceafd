import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createProgress } from '../../src/util/progress.ts';

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('createProgress', () => {
  it('shows frames done, frames per second and time left', () => {
    const { stream, text } = capture();
    const progress = createProgress({ total: 10, stream, forceOutput: true });

    for (let i = 0; i < 4; i++) {
      progress.increment();
    }
    progress.setTotal(12);
    progress.stop();

    const last = text().trim().split('\n').at(-1) ?? '';
    expect(last).toMatch(/4\/12 frames \| \d+(\.\d)? frames\/s \| \S+ left$/);
  });

  it('draws nothing on a stream that is not a terminal by default', () => {
    const { stream, text } = capture();
    const progress = createProgress({ total: 5, stream, unit: 'pairs' });

    progress.increment(5);
    progress.stop();

    expect(text()).toBe('');
  });
});
