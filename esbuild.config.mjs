// Outputs: the extension bundle (node/cjs, vscode external), loaded at activation; the engine bundle
// (parsing, HTTP, providers) it requires on first use; the gallery webview bundle (browser/iife); and
// a plain per-file transpile of src+test to out/ for node's test runner and mocha.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

function tsFilesUnder(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return tsFilesUnder(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

/** Prints esbuild problems the way VS Code's $esbuild-watch matcher expects. */
const problemReporter = {
  name: 'problem-reporter',
  setup(build) {
    build.onEnd((result) => {
      for (const { text, location } of result.errors) {
        console.error(`✘ [ERROR] ${text}`);
        if (location) console.error(`    ${location.file}:${location.line}:${location.column}:`);
      }
    });
  },
};

/** Keeps `require('../engine')` a runtime require of dist/engine.js instead of inlining it. */
const lazyEngine = {
  name: 'lazy-engine',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/engine$/ }, () => ({ path: './engine.js', external: true }));
  },
};

const node = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['vscode'],
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
};

const contexts = [
  { ...node, entryPoints: ['src/engine.ts'], outfile: 'dist/engine.js', plugins: [problemReporter] },
  {
    entryPoints: ['src/extension.ts'],
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
    sourcesContent: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [problemReporter, lazyEngine],
  },
  {
    entryPoints: ['webview-ui/src/gallery.ts', 'webview-ui/src/gallery.css'],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    outdir: 'dist/webview',
    minify: production,
    sourcemap: !production,
    logLevel: 'warning',
    plugins: [problemReporter],
  },
];
if (!production) {
  rmSync('out', { recursive: true, force: true });
  contexts.push({
    entryPoints: [...tsFilesUnder('src'), ...tsFilesUnder('test')],
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    outbase: '.',
    outdir: 'out',
    sourcemap: 'inline',
    logLevel: 'warning',
    plugins: [problemReporter],
  });
}

if (watch) {
  for (const options of contexts) await (await esbuild.context(options)).watch();
} else {
  await Promise.all(contexts.map((options) => esbuild.build(options)));
}
