// The activation side of `npm run bench`: the size of the bundle loaded at activation and the cost of
// loading its code (with a stand-in `vscode`), and the engine bundle loaded on first use.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Module from 'node:module';

/**
 * Any property, call or construction of it gives itself: enough for a bundle's top-level code. Its
 * prototype answers too, since esbuild's module interop copies the module onto a new object.
 */
const inert: unknown = new Proxy(function inertVscode() {}, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => 0 : inert),
  apply: () => inert,
  construct: () => inert as object,
  getPrototypeOf: () => new Proxy({}, { get: (_target, key) => (key === Symbol.toPrimitive ? () => 0 : inert) }),
});

/** Loads the production bundle with a stand-in `vscode` module: the code-loading part of activation. */
function bundleLoadMs(bundle: string): number {
  const originalLoad = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load;
  (Module as unknown as { _load: unknown })._load = (request: string, ...rest: unknown[]) =>
    request === 'vscode' ? inert : originalLoad(request, ...rest);
  const started = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- timing a CommonJS load is the measurement
  require(bundle);
  const elapsed = performance.now() - started;
  (Module as unknown as { _load: unknown })._load = originalLoad;
  return elapsed;
}

/** Prints the figures; the names of the targets missed. */
export function measureBundles(repo: string): string[] {
  const failures: string[] = [];
  const bundle = join(repo, 'dist', 'extension.js');
  const engineBundle = join(repo, 'dist', 'engine.js');
  const bundleKb = statSync(bundle).size / 1024;
  const loadMs = bundleLoadMs(bundle);
  const engineStarted = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- as above
  require(engineBundle);
  const engineMs = performance.now() - engineStarted;
  console.log(
    `\nbundle loaded at activation: dist/extension.js ${bundleKb.toFixed(0)} KB (target < 300 KB: ${bundleKb < 300 ? 'MET' : 'MISSED'}), code load ${loadMs.toFixed(1)} ms (target < 50 ms: ${loadMs < 50 ? 'MET' : 'MISSED'})`,
  );
  console.log(
    `engine loaded on first use: dist/engine.js ${(statSync(engineBundle).size / 1024).toFixed(0)} KB, code load ${engineMs.toFixed(1)} ms`,
  );
  console.log('the activate() call itself is logged by the extension in real VS Code: "[activate] ready in N ms" in the Image Jobs log');
  if (bundleKb >= 300) failures.push('bundle size');
  if (loadMs >= 50) failures.push('activation');
  return failures;
}
