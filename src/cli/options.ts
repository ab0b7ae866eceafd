import { InvalidArgumentError, Option, type Command } from 'commander';

import { BACKEND_CHOICES } from '../backend/select-backend.ts';
import { LOG_LEVELS } from '../util/logger.ts';

/**
 * One CLI flag, declared once in a table and registered from it. `parse`
 * turns the raw text into the typed value and throws InvalidArgumentError
 * with a message saying what is accepted.
 */
export interface OptionSpec {
  flags: string;
  description: string;
  parse?: (value: string) => unknown;
  defaultValue?: unknown;
  /** How `--help` shows the default, where its plain form reads badly. */
  defaultText?: string;
  choices?: readonly string[];
}

/** Registers every spec on `command`. */
export function addOptions(command: Command, specs: OptionSpec[]): Command {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (spec.choices) {
      option.choices(spec.choices);
    }
    if (spec.parse) {
      const parse = spec.parse;
      option.argParser((value: string) => parse(value));
    }
    if (spec.defaultValue !== undefined) {
      option.default(spec.defaultValue, spec.defaultText);
    }
    command.addOption(option);
  }
  return command;
}

/** Parses a whole number in [min, max]. */
export function intInRange(min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `${min}..${max}`;
      throw new InvalidArgumentError(`expected a whole number ${range}.`);
    }
    return n;
  };
}

/** Parses a number in [min, max]. */
export function numberInRange(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a number in ${min}..${max}.`);
    }
    return n;
  };
}

/** Options every command that runs TensorFlow.js takes. */
export const BACKEND_OPTION: OptionSpec = {
  flags: '--backend <name>',
  description:
    'TensorFlow.js backend; auto takes the first that loads of ' +
    'tensorflow-gpu, tensorflow, wasm, cpu',
  choices: BACKEND_CHOICES,
  defaultValue: 'auto',
};

export const OVERWRITE_OPTION: OptionSpec = {
  flags: '--overwrite',
  description: 'replace the output if it already exists',
};

export const LOG_LEVEL_OPTION: OptionSpec = {
  flags: '--log-level <level>',
  description: 'how much to log on stderr',
  choices: LOG_LEVELS,
  defaultValue: 'info',
};
