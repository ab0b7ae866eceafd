import { pino, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';

/** Log levels accepted by `--log-level`. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Logger = PinoLogger;

/**
 * Creates the project logger. Human-readable lines go to `destination`
 * (stderr by default) so that stdout stays free for tables and data.
 */
export function createLogger(
  level: LogLevel = 'info',
  destination: NodeJS.WritableStream = process.stderr,
): Logger {
  const stream = pretty({
    destination,
    sync: true,
    colorize: false,
    ignore: 'pid,hostname',
    translateTime: 'HH:MM:ss',
  });
  return pino({ level }, stream);
}

let shared: Logger | undefined;

/** The process-wide logger; the CLI sets its level from `--log-level`. */
export function getLogger(): Logger {
  shared ??= createLogger(
    (process.env.FRUC_LOG_LEVEL as LogLevel | undefined) ?? 'info',
  );
  return shared;
}

/** Replaces the process-wide logger (CLI start-up, tests). */
export function setLogger(logger: Logger): void {
  shared = logger;
}
