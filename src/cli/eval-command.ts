import { Command } from 'commander';

/** Builds `fruc eval`. Being written (issue 2); replaced by its real module. */
export function createEvalCommand(): Command {
  return new Command('eval').description('(not yet available)');
}
