import { chmodSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { sharedData } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';

describe('ffmpeg tool lookup', () => {
  it('says a tool that may not be run cannot be run, not that the input is no video', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fruc-tools-'));
    const probe = join(dir, 'ffprobe');
    writeFileSync(probe, '#!/bin/sh\nexit 0\n');
    chmodSync(probe, 0o644);

    const result = runCli(
      ['upconvert', sharedData('videos', 'box.mp4'), join(dir, 'out.mp4')],
      { env: { FFPROBE_PATH: probe } },
    );

    expect(result.status).toBe(3);
    expect(result.stderr.trim().split('\n')).toEqual([
      `fruc: error: ffprobe at ${probe} cannot be run (no execute ` +
        'permission); make it executable (chmod a+x) or set FFPROBE_PATH ' +
        'to another binary.',
    ]);
    await rm(dir, { recursive: true, force: true });
  });
});
