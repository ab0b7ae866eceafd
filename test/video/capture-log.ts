/** Collects what the project logger writes while a piece of work runs. */
import { Writable } from 'node:stream';

import {
  createLogger,
  getLogger,
  setLogger,
} from '../../src/util/logger.ts';

/**
 * Runs `work` with the process-wide logger at `warn` writing into a
 * string; returns that text with the work's result and puts the previous
 * logger back.
 */
export async function withWarnings<T>(
  work: () => Promise<T>,
): Promise<{ result: T; log: string }> {
  const previous = getLogger();
  let log = '';
  setLogger(createLogger('warn', new Writable({
    write(chunk: Buffer, _encoding, done) {
      log += chunk.toString();
      done();
    },
  })));
  try {
    return { result: await work(), log };
  } finally {
    setLogger(previous);
  }
}
