#!/usr/bin/env node
// Entry point of the `fruc` command: loads the TypeScript sources through
// tsx so that no build step is needed after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
