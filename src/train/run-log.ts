/**
 * The run's JSON-lines log, `<out>/log.jsonl`: one object per line, each
 * with a `step` and any of loss terms, learning rates, speed and
 * validation figures.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

import { writeFileAtomically } from '../util/atomic.ts';

/** One log line; `step` is the number of steps completed. */
export type LogRecord = { step: number } & Record<string, number | string>;

/** Appends records to the log file. */
export interface RunLog {
  readonly path: string;
  write(record: LogRecord): void;
}

/**
 * Opens `path` for appending. With `keepUpToStep`, lines of later steps
 * (written by a run that was stopped after its last checkpoint) are
 * dropped first, so a resumed run logs each step once.
 */
export async function openRunLog(
  path: string,
  keepUpToStep?: number,
): Promise<RunLog> {
  if (keepUpToStep !== undefined && existsSync(path)) {
    const kept = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .filter((line) => {
        const record = JSON.parse(line) as { step?: number };
        return (record.step ?? 0) <= keepUpToStep;
      });
    await writeFileAtomically(
      path, kept.map((line) => `${line}\n`).join(''));
  }
  return {
    path,
    write(record) {
      appendFileSync(path, `${JSON.stringify(record)}\n`);
    },
  };
}

/** Reads every record of a log file. */
export function readRunLog(path: string): LogRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LogRecord);
}
