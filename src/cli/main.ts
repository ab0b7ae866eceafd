import { Command, CommanderError } from 'commander';

import { FrucError } from '../errors.ts';
import { installInterruptHandlers } from '../util/interrupt.ts';
import { createLogger, setLogger, type LogLevel } from '../util/logger.ts';
import { createDemoCommand } from './demo-command.ts';
import { createEvalCommand } from './eval-command.ts';
import { createExtractCommand } from './extract-command.ts';
import { createTrainCommand } from './train-command.ts';
import { createUpconvertCommand } from './upconvert-command.ts';
import { LOG_LEVEL_OPTION, addOptions } from './options.ts';
import { describeSystemError, oneLine } from './system-errors.ts';

/** One-line `fruc: error: ...` messages, suggestions, no process.exit. */
function configureErrors(command: Command): Command {
  return command
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => write(`fruc: ${text}`),
    });
}

/** Builds the `fruc` program with all its sub-commands. */
export function createProgram(): Command {
  const program = new Command('fruc').description(
    'Frame-rate up-conversion: extract triplets, upconvert videos, ' +
      'evaluate interpolation methods, train with AAGAN.',
  );
  configureErrors(program);
  addOptions(program, [LOG_LEVEL_OPTION]);
  program.hook('preAction', (root) => {
    const level = root.opts<{ logLevel: LogLevel }>().logLevel;
    setLogger(createLogger(level));
  });
  for (const command of [
    createExtractCommand(),
    createUpconvertCommand(),
    createEvalCommand(),
    createDemoCommand(),
    createTrainCommand(),
  ]) {
    program.addCommand(configureErrors(command));
  }
  return program;
}

/**
 * Runs the CLI and returns the exit status. Errors a user can cause print
 * one line; anything else is a bug and prints its message with a hint.
 */
export async function main(argv: string[]): Promise<number> {
  installInterruptHandlers();
  try {
    await createProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has already printed its message (or the help text).
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof FrucError) {
      process.stderr.write(`fruc: error: ${oneLine(err.message)}\n`);
      return err.exitCode;
    }
    const systemMessage = describeSystemError(err);
    if (systemMessage !== undefined) {
      process.stderr.write(`fruc: error: ${systemMessage}\n`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(
      `fruc: internal error: ${message.split('\n')[0]} ` +
        '(set FRUC_DEBUG=1 to see the stack trace and please report it)\n',
    );
    if (process.env.FRUC_DEBUG) {
      process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    }
    return 70;
  }
}
