import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { REPO_ROOT } from './paths.ts';

/** What one CLI run printed and returned. */
export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `fruc <args>` in a child process, exactly as a user would, and
 * returns its exit status, stdout and stderr.
 */
export function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): CliResult {
  const result = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'fruc.js'), ...args],
    {
      cwd: options.cwd ?? REPO_ROOT,
      env: { ...process.env, ...options.env },
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 300_000,
    },
  );
  return {
    status: result.status ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
  };
}
