/**
 * Starts a TypeScript module in a Node worker thread. Workers do not
 * inherit the tsx loader that `bin/fruc.js` registers, so a tiny
 * bootstrap registers it in the worker before importing the module.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/**
 * File URL of tsx's ES-module API, read from tsx's package exports
 * (`require.resolve` would give its CommonJS twin, which cannot register
 * the loader in a worker).
 */
function tsxEsmApiUrl(): string {
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const entry = manifest.exports['./esm/api'].import.default;
  return pathToFileURL(join(dirname(manifestPath), entry)).href;
}

/**
 * Runs `moduleUrl` (a `.ts` file) in a new worker thread with
 * `workerData`, and resolves once the worker posts `{ type: 'ready' }`.
 * Rejects with the worker's error if it fails or exits before that.
 */
export async function startTsWorker(
  moduleUrl: URL,
  workerData: unknown,
): Promise<Worker> {
  const tsxApi = tsxEsmApiUrl();
  const bootstrap =
    `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); ` +
    `return import(${JSON.stringify(moduleUrl.href)}); });`;
  const worker = new Worker(bootstrap, { eval: true, workerData });
  await new Promise<void>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: string }).type === 'ready') {
        cleanup();
        resolve();
      }
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`worker exited with code ${code} before it was ready`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  });
  return worker;
}
