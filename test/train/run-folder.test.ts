import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { saveCheckpoint } from '../../src/models/checkpoint.ts';
import { disposeLayersModel } from '../../src/models/dispose.ts';
import { createGenerator } from '../../src/models/generator.ts';
import {
  openRunFolder,
  resolveResumeData,
} from '../../src/train/run-folder.ts';
import { OUTPUT_MARKER } from '../../src/util/atomic.ts';
import {
  createLogger,
  getLogger,
  setLogger,
} from '../../src/util/logger.ts';
import { makeTempDir } from '../helpers/paths.ts';
import { UCF_TRIPLETS } from './tiny-config.ts';

const temp = makeTempDir('fruc-run-folder-');
afterAll(() => temp.cleanup());

/** A checkpoint whose meta records `data` (none when undefined). */
async function checkpointRecording(
  name: string,
  data: string | undefined,
): Promise<string> {
  const config = { width: 4, levels: 2 };
  const generator = createGenerator(config);
  const dir = join(temp.dir, name, 'checkpoints', 'step-1');
  await saveCheckpoint(dir, {
    generator, config, step: 1, meta: data === undefined ? {} : { data } });
  disposeLayersModel(generator);
  return dir;
}

describe('resolveResumeData', () => {
  let recorded: string;
  let warnings: string;
  const logger = getLogger();

  beforeAll(async () => {
    recorded = await checkpointRecording('run', UCF_TRIPLETS);
  });

  afterEach(() => setLogger(logger));

  function captureWarnings(): void {
    warnings = '';
    const stream = new PassThrough();
    stream.on('data', (chunk: Buffer) => {
      warnings += chunk.toString();
    });
    setLogger(createLogger('warn', stream));
  }

  it('without --data gives the recorded data', async () => {
    await expect(resolveResumeData(recorded, undefined, false))
      .resolves.toBe(UCF_TRIPLETS);
  });

  it('accepts the recorded data given another way (relative, a link)',
    async () => {
      const link = join(temp.dir, 'ucf-link');
      symlinkSync(UCF_TRIPLETS, link);

      await expect(resolveResumeData(recorded, `${UCF_TRIPLETS}/`, false))
        .resolves.toBe(UCF_TRIPLETS);
      await expect(resolveResumeData(recorded, link, false))
        .resolves.toBe(link);
    });

  it('refuses other data without --new-data, naming both folders',
    async () => {
      const other = join(temp.dir, 'other');
      mkdirSync(other);

      await expect(resolveResumeData(recorded, other, false)).rejects
        .toMatchObject({
          code: 'FRUC_RESUME_DATA',
          exitCode: 2,
          message: `cannot resume on --data ${other}: the run trained on ` +
            `${UCF_TRIPLETS}; leave out --data to continue on it, or add ` +
            '--new-data to train on the new folder (the best checkpoint ' +
            'then compares validation PSNR across two validation sets).',
        });
    });

  it('with --new-data gives the other data and warns that validation ' +
    'sets are mixed', async () => {
    const other = join(temp.dir, 'other-2');
    captureWarnings();

    await expect(resolveResumeData(recorded, other, true))
      .resolves.toBe(other);

    expect(warnings).toContain(
      `--new-data: training continues on ${other}, not ${UCF_TRIPLETS}`);
    expect(warnings).toContain('compares PSNR across two validation sets');
  });

  it('takes --data as given when the run recorded none', async () => {
    const unrecorded = await checkpointRecording('old-run', undefined);

    await expect(resolveResumeData(unrecorded, UCF_TRIPLETS, false))
      .resolves.toBe(UCF_TRIPLETS);
    await expect(resolveResumeData(unrecorded, undefined, false))
      .rejects.toMatchObject({ code: 'FRUC_RUN_DATA_UNKNOWN' });
  });
});

describe('openRunFolder', () => {
  const options = (outDir: string, extra: object = {}) => ({
    outDir, resume: false, overwrite: false, dataRoot: UCF_TRIPLETS,
    ...extra,
  });

  it('when a new run fails before keep() then its folder is removed',
    async () => {
      const out = join(temp.dir, 'new-failed');

      const folder = await openRunFolder(options(out));
      expect(readdirSync(out)).toEqual([OUTPUT_MARKER]);
      expect(folder.removable).toBe(true);
      await folder.close(true);

      expect(existsSync(out)).toBe(false);
    });

  it('when a new run fails after keep() then its folder stays', async () => {
    const out = join(temp.dir, 'new-kept');

    const folder = await openRunFolder(options(out));
    folder.keep();
    await folder.close(true);

    expect(existsSync(out)).toBe(true);
  });

  it('never removes the folder of a resumed run', async () => {
    const out = join(temp.dir, 'resumed');
    mkdirSync(out);

    const folder = await openRunFolder(options(out, { resume: true }));
    await folder.close(true);

    expect(existsSync(out)).toBe(true);
  });

  it('with overwrite replaces fruc\'s own folder', async () => {
    const out = join(temp.dir, 'replaced');
    await (await openRunFolder(options(out))).close(false);
    mkdirSync(join(out, 'checkpoints'));

    const folder = await openRunFolder(options(out, { overwrite: true }));

    expect(readdirSync(out)).toEqual([OUTPUT_MARKER]);
    await folder.close(false);
    expect(existsSync(out)).toBe(true);
  });
});
