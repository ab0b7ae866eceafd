import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { saveCheckpoint } from '../../src/models/checkpoint.ts';
import { createGenerator } from '../../src/models/generator.ts';
import { makeTempDir, REPO_ROOT } from '../helpers/paths.ts';
import { runCli, type CliResult } from '../helpers/run-cli.ts';
import { UCF_TRIPLETS, writeTinyConfig } from '../train/tiny-config.ts';

const temp = makeTempDir('fruc-train-cli-');
afterAll(() => temp.cleanup());
const config = writeTinyConfig(temp.dir, { steps: 3 });
const run = join(temp.dir, 'run');

function train(...args: string[]) {
  return runCli(['train', '--backend', 'wasm', ...args]);
}

describe('fruc train', () => {
  it('trains, prints the best validation PSNR and its checkpoint', () => {
    // Data given relative to another working folder than the resume's.
    const result = runCli(['train', '--backend', 'wasm', '--config', config,
      '--data', relative(temp.dir, UCF_TRIPLETS), '--out', run],
    { cwd: temp.dir });

    expect(result.stderr).toContain('data: 19 training and 2 validation');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^best validation PSNR \d+\.\d\d dB \(SSIM 0\.\d{4}\) at step \d: /);
    expect(result.stdout).toMatch(/: .*step-\d\n/);
    const latest = join(run, 'checkpoints', 'step-3');
    expect(result.stdout).toContain(
      `trained 3 steps; latest checkpoint ${latest}`);
    const stored = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8'));
    expect(stored.generator).toEqual({ width: 4, levels: 2 });
    expect(stored.optim.beta2).toBe(0.999);
    const info = JSON.parse(
      readFileSync(join(latest, 'checkpoint.json'), 'utf8'));
    expect(info.meta.data).toBe(UCF_TRIPLETS);
  });

  it('--resume --steps continues the run with its own config and data', () => {
    const result = train('--out', run, '--resume', '--steps', '4');

    expect(result.stderr).toContain(
      `data: ${UCF_TRIPLETS}, as the run recorded it`);
    expect(result.stderr).toContain('restoring checkpoint');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('trained 4 steps');
    const steps = readFileSync(join(run, 'log.jsonl'), 'utf8').trim()
      .split('\n').map((l) => JSON.parse(l))
      .filter((r) => 'g_total' in r).map((r) => r.step);
    expect(steps).toEqual([1, 2, 3, 4]);
  });
});

/** Training steps logged so far in run folder `out`. */
function stepsLogged(out: string): number {
  const path = join(out, 'log.jsonl');
  return existsSync(path)
    ? readFileSync(path, 'utf8').split('\n')
      .filter((line) => line.includes('"g_total"')).length
    : 0;
}

/**
 * Runs `fruc train --backend wasm <args>` in a child process and sends it
 * SIGINT, as Ctrl-C does, once `ready()` holds (polled every 20 ms).
 */
function interruptTrain(
  args: string[],
  ready: () => boolean,
): Promise<CliResult> {
  const child = spawn(process.execPath,
    [join(REPO_ROOT, 'bin', 'fruc.js'), 'train', '--backend', 'wasm',
      ...args], { cwd: REPO_ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const poll = setInterval(() => {
    if (ready()) {
      clearInterval(poll);
      child.kill('SIGINT');
    }
  }, 20);
  const limit = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearInterval(poll);
      clearTimeout(limit);
      resolve({ status: code ?? -1, stdout, stderr });
    });
  });
}

const lastLine = (text: string) => text.trim().split('\n').at(-1) ?? '';

describe('fruc train and Ctrl-C', () => {
  const long = writeTinyConfig(temp.dir, {
    steps: 1000,
    validation: { every: 1000, samples: 2 },
    checkpoint: { every: 1000 },
  }, 'long.json');

  it('stops after the current step, saves it, says how to resume and ' +
    'exits 130; --resume continues from that step', async () => {
    const out = join(temp.dir, 'stopped');

    const result = await interruptTrain(
      ['--config', long, '--data', UCF_TRIPLETS, '--out', out],
      () => stepsLogged(out) >= 2);

    expect(result.status).toBe(130);
    expect(result.stderr).toContain(
      'fruc: interrupted (SIGINT); stopping after the current step; ' +
      'interrupt again to stop at once.');
    const match = new RegExp('^fruc: interrupted \\(SIGINT\\); stopped ' +
      'after step (\\d+) of 1000; saved checkpoint (\\S+); continue ' +
      'with: fruc train --out (\\S+) --resume$').exec(lastLine(result.stderr));
    expect(match, result.stderr).not.toBeNull();
    const step = Number(match?.[1]);
    expect(match?.[2]).toBe(join(out, 'checkpoints', `step-${step}`));
    expect(match?.[3]).toBe(out);
    expect(readlinkSync(join(out, 'checkpoints', 'latest')))
      .toBe(`step-${step}`);
    expect(stepsLogged(out)).toBe(step);

    const resumed = train('--out', out, '--resume', '--steps', `${step + 1}`);

    expect(resumed.stderr).toContain(`restoring checkpoint ${match?.[2]}`);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toContain(`trained ${step + 1} steps`);
    expect(stepsLogged(out)).toBe(step + 1);
  });

  it('before the first step removes the new run folder, so a new run ' +
    'there works', async () => {
    const out = join(temp.dir, 'stopped-early');

    const result = await interruptTrain(
      ['--config', long, '--data', UCF_TRIPLETS, '--out', out,
        '--threads', '2'],
      () => existsSync(join(out, '.fruc-output')));

    expect(result.status).toBe(130);
    expect(lastLine(result.stderr)).toBe(
      'fruc: interrupted (SIGINT); stopped before the first step; ' +
      `nothing was saved and ${out} was removed.`);
    expect(existsSync(out)).toBe(false);
    const again = train(
      '--config', config, '--data', UCF_TRIPLETS, '--out', out,
      '--steps', '1');
    expect(again.status).toBe(0);
  });
});

describe('fruc train --help', () => {
  it('says that --resume defaults --config and --data to the run\'s', () => {
    const result = runCli(['train', '--help']);

    const help = result.stdout.replace(/\s+/g, ' ');
    expect(result.status).toBe(0);
    expect(help).toContain('with --resume it may be left out, the run\'s ' +
      'checkpoints record the data it trained on');
    expect(help).toContain('with --resume it may be left out, the run ' +
      'folder keeps a copy');
  });

  it('says that other data on --resume needs --new-data', () => {
    const help = runCli(['train', '--help']).stdout.replace(/\s+/g, ' ');

    expect(help).toContain('(other data needs --new-data)');
    expect(help).toContain('--new-data with --resume: continue on a ' +
      '--data other than the run\'s; the best checkpoint then compares ' +
      'validation PSNR across two validation sets');
  });
});

describe('fruc train: bad input gets one line and status 2', () => {
  const expectError = (result: ReturnType<typeof train>, text: RegExp) => {
    expect(result.status).toBe(2);
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(text);
  };
  const out = join(temp.dir, 'refused');

  it('a missing config', () => {
    expectError(
      train('--config', join(temp.dir, 'nope.json'), '--data', UCF_TRIPLETS,
        '--out', out),
      /^fruc: error: config .*nope\.json does not exist/);
  });

  it('an invalid config', () => {
    const bad = writeTinyConfig(temp.dir, { batchSize: 0 }, 'bad.json');

    expectError(
      train('--config', bad, '--data', UCF_TRIPLETS, '--out', out),
      /^fruc: error: config .*bad\.json: batchSize: .*fix that value/);
  });

  it('no --data for a new run', () => {
    expectError(train('--config', config, '--out', out),
      /no data; pass --data DIR \(or --resume to continue a run\)/);
  });

  it('--resume with no run folder', () => {
    const missing = join(temp.dir, 'nonexistent');

    expectError(train('--resume', '--out', missing, '--data', UCF_TRIPLETS),
      new RegExp(`^fruc: error: cannot resume: there is no run folder ` +
        `${missing}, so nothing to resume; check --out, or leave out ` +
        '--resume and pass --config FILE --data DIR'));
    expect(existsSync(missing)).toBe(false);
  });

  it('--resume in a folder with no checkpoint', () => {
    const bare = join(temp.dir, 'bare-run');
    mkdirSync(bare);

    expectError(train('--resume', '--out', bare),
      /cannot resume: .*bare-run holds no checkpoints\/latest/);
  });

  it('--resume without --data when the run does not record its data',
    async () => {
      const old = join(temp.dir, 'old-run');
      const generator = { width: 4, levels: 2 };
      await saveCheckpoint(join(old, 'checkpoints', 'step-1'),
        { generator: createGenerator(generator), config: generator, step: 1 });
      symlinkSync('step-1', join(old, 'checkpoints', 'latest'));

      expectError(train('--resume', '--out', old),
        /step-1 does not record the data the run trained on; pass --data DIR/);
    });

  it('no config at all', () => {
    expectError(train('--data', UCF_TRIPLETS, '--out', out),
      /no config; pass --config FILE/);
  });

  it('data with no triplets', () => {
    const empty = join(temp.dir, 'empty');
    mkdirSync(empty);

    expectError(train('--config', config, '--data', empty, '--out', out),
      /holds no triplets/);
    expect(existsSync(out)).toBe(false);
  });

  it('an existing output without --resume or --overwrite', () => {
    expectError(train('--config', config, '--data', UCF_TRIPLETS,
      '--out', run), /already exists; .*--overwrite/);
  });

  it('--overwrite onto a folder of the user\'s files', () => {
    const mine = join(temp.dir, 'mine');
    mkdirSync(mine);
    writeFileSync(join(mine, 'notes.txt'), 'precious');

    expectError(train('--config', config, '--data', UCF_TRIPLETS,
      '--out', mine, '--overwrite'), /is a folder that fruc did not write/);
    expect(readdirSync(mine)).toEqual(['notes.txt']);
  });

  it('a run folder that holds the training data', () => {
    expectError(train('--config', config, '--data', UCF_TRIPLETS,
      '--out', join(UCF_TRIPLETS, '..'), '--overwrite'),
    /lies inside the run folder/);
  });

  it('--resume together with --overwrite', () => {
    expectError(train('--config', config, '--data', UCF_TRIPLETS,
      '--out', run, '--resume', '--overwrite'), /pass only one/);
  });

  it('--resume with a config other than the run\'s', () => {
    const other = writeTinyConfig(temp.dir, { seed: 9 }, 'other.json');

    expectError(train('--config', other, '--data', UCF_TRIPLETS,
      '--out', run, '--resume'), /differs from the config of the run/);
  });

  it.each([
    ['train-state.json', 'garbage',
      /\(train-state\.json is not valid JSON \(Unexpected token 'g'/],
    ['optimizer-g.bin', 'short',
      /\(optimizer-g\.bin holds 5 bytes but optimizer-g\.json needs \d+\)/],
  ])('--resume of a run whose %s is damaged', (file, content, what) => {
    const damaged = join(temp.dir, `damaged-${file}`);
    cpSync(run, damaged, { recursive: true, verbatimSymlinks: true });
    const latest = join(damaged, 'checkpoints', 'step-4');
    writeFileSync(join(latest, file), content);

    const result = train('--out', damaged, '--resume');

    expectError(result, new RegExp(`^fruc: error: checkpoint ${latest} ` +
      'is damaged \\(.*\\); resume from an earlier checkpoint \\(step-3 ' +
      'is the newest: ln -sfn step-3 .*latest\\) or start a new run'));
    expect(lastLine(result.stderr)).toMatch(what);
  });

  it('--resume with --data other than the run trained on', () => {
    expectError(train('--out', run, '--resume', '--data', otherData()),
      new RegExp('^fruc: error: cannot resume on --data .*other-data: the ' +
        `run trained on ${UCF_TRIPLETS}; leave out --data .* add --new-data`));
  });

  it('--new-data without --resume', () => {
    expectError(train('--config', config, '--data', UCF_TRIPLETS,
      '--out', out, '--new-data'),
    /--new-data changes the data of a resumed run; pass it with --resume/);
  });

  it('--init that is not a generator checkpoint', () => {
    expectError(train('--config', config, '--data', UCF_TRIPLETS,
      '--out', out, '--init', temp.dir), /is not a checkpoint/);
  });

  it('--init whose generator does not fit the config', () => {
    const wide = writeTinyConfig(
      temp.dir, { generator: { width: 8, levels: 2 } }, 'wide.json');

    expectError(train('--config', wide, '--data', UCF_TRIPLETS, '--out', out,
      '--init', join(run, 'checkpoints', 'step-3')),
    /--init .* does not fit this config .*width 4, levels 2/);
    expect(existsSync(out)).toBe(false);
  });
});

/** Triplets 1-5 of UCF101, linked into a folder of their own. */
function otherData(): string {
  const dir = join(temp.dir, 'other-data');
  if (!existsSync(dir)) {
    mkdirSync(dir);
    for (const id of ['1', '2', '3', '4', '5']) {
      symlinkSync(join(UCF_TRIPLETS, id), join(dir, id));
    }
  }
  return dir;
}

describe('fruc train --resume --new-data', () => {
  it('trains on the new data, records it and warns', () => {
    const moved = join(temp.dir, 'moved-run');
    cpSync(run, moved, { recursive: true, verbatimSymlinks: true });

    const result = train('--out', moved, '--resume', '--data', otherData(),
      '--new-data', '--steps', '5');

    expect(result.status).toBe(0);
    expect(result.stderr.replace(/\s+/g, ' ')).toContain(
      `--new-data: training continues on ${otherData()}, not ` +
      `${UCF_TRIPLETS}; validation now uses other triplets, so the best ` +
      'checkpoint compares PSNR across two validation sets.');
    const info = JSON.parse(readFileSync(
      join(moved, 'checkpoints', 'step-5', 'checkpoint.json'), 'utf8'));
    expect(info.meta.data).toBe(otherData());
  });
});
