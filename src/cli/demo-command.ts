import { Command } from 'commander';

/** Builds `fruc demo`. Being written (issue 2); replaced by its real module. */
export function createDemoCommand(): Command {
  return new Command('demo').description('(not yet available)');
}
