/**
 * Phase markers make a pipeline re-runnable: a phase that finished writes
 * `<name>.json` holding its key (everything its output depends on) and a
 * result; a later run with the same key reuses the output instead of
 * redoing the phase. Markers are written atomically, after the output.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';

import { writeFileAtomically } from '../util/atomic.ts';

/** What a marker file holds. */
export interface PhaseRecord<R> {
  /** Canonical JSON of the phase's key. */
  key: string;
  /** Seconds the phase ran when it was done. */
  seconds: number;
  finishedAt: string;
  result: R;
}

/** The canonical text of a key (its JSON). */
export function phaseKey(key: unknown): string {
  return JSON.stringify(key);
}

/**
 * The marker at `path` when it exists and was written for `key`;
 * undefined otherwise (missing, unreadable, or another key).
 */
export async function readPhase<R>(
  path: string,
  key: string,
): Promise<PhaseRecord<R> | undefined> {
  if (!existsSync(path)) {
    return undefined;
  }
  let record: PhaseRecord<R>;
  try {
    record = JSON.parse(await readFile(path, 'utf8')) as PhaseRecord<R>;
  } catch {
    // A marker that cannot be parsed says nothing finished: redo the phase.
    return undefined;
  }
  return record.key === key ? record : undefined;
}

/** Records that the phase with `key` finished with `result`. */
export async function writePhase<R>(
  path: string,
  key: string,
  seconds: number,
  result: R,
): Promise<PhaseRecord<R>> {
  const record: PhaseRecord<R> = {
    key,
    seconds,
    finishedAt: new Date().toISOString(),
    result,
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomically(path, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}
