import { Command } from 'commander';

/** Builds `fruc extract`. Being written (issue 2); replaced by its real module. */
export function createExtractCommand(): Command {
  return new Command('extract').description('(not yet available)');
}
