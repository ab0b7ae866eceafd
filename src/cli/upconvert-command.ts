import { Command } from 'commander';

/** Builds `fruc upconvert`. Being written (issue 2); replaced by its real module. */
export function createUpconvertCommand(): Command {
  return new Command('upconvert').description('(not yet available)');
}
