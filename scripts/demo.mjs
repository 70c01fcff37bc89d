// `npm run demo`: packages the extension, installs it into code-server with the examples workspace,
// runs the main job (examples/prompts/hello.prompt on the offline Sandbox) through the real UI,
// then leaves VS Code running and prints its URL until Ctrl+C or SIGTERM, terminal or not. DEMO_EXIT=1 is
// the one way to stop after the job.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readPngText } from '../out/src/core/results/png.js';
import {
  ensureTools,
  freePort,
  launchBrowser,
  openFile,
  packageExtension,
  prepareRun,
  repo,
  runCommand,
  startCodeServer,
  waitForCodeLens,
  waitForNotification,
  waitForWorkbench,
  webviewFrame,
} from './lib/workbench.mjs';

const runDir = join(repo, '.demo');
const say = (message) => console.log(`[demo] ${message}`);

const tools = ensureTools();
say('packaging the extension');
const vsix = packageExtension();
const workspace = prepareRun({ tools, runDir, workspaceSource: join(repo, 'examples'), vsix });
const requested = Number(process.env.PORT ?? 8080);
const port = (await isFree(requested)) ? requested : await freePort();
const server = await startCodeServer({ tools, runDir, workspace, port, host: process.env.HOST ?? '127.0.0.1' });
const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
say(`VS Code (code-server) with Image Jobs is up: ${url}`);

say('running the main job: prompts/hello.prompt on the Sandbox provider (no key, no network)');
const { browser, page } = await launchBrowser();
try {
  await page.goto(url);
  await waitForWorkbench(page);
  await openFile(page, 'hello.prompt');
  await waitForCodeLens(page, 'Generate');
  await runCommand(page, 'Image Jobs: Generate Image');
  const toast = await waitForNotification(page, 'Image ready', 90_000);
  say(toast.split('\n').find((line) => line.startsWith('Image ready')) ?? toast);
  await runCommand(page, 'Image Jobs: Open Gallery');
  const gallery = await webviewFrame(page, '.card img');
  await gallery.waitForFunction(
    () => [...document.querySelectorAll('.card img')].some((img) => img.complete && img.naturalWidth > 0),
    null,
    { timeout: 30_000 },
  );
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(runDir, 'demo.png') });
} catch (error) {
  await page.screenshot({ path: join(runDir, 'demo-failure.png') }).catch(() => undefined);
  say(`failed; the screen at that moment: ${join(runDir, 'demo-failure.png')}`);
  throw error;
} finally {
  await browser.close();
}

const image = join(workspace, 'assets', 'generated', 'hello-20261122.png');
if (!existsSync(image)) throw new Error(`the main job's image is missing: ${image}`);
say(`saved ${image} (${statSync(image).size} bytes) with provenance:`);
for (const line of readPngText(readFileSync(image)).parameters.split('\n')) say(`  ${line}`);
say(`sidecar: ${image.replace(/\.png$/, '.json')}`);
say(`screenshot of the gallery: ${join(runDir, 'demo.png')}`);

if (process.env.DEMO_EXIT === '1') {
  server.stop();
  say('done');
} else {
  say(`open ${url} in your browser; press Ctrl+C to stop`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      server.stop();
      say('stopped');
      process.exit(0);
    });
  }
  setInterval(() => undefined, 1 << 30);
}

async function isFree(candidate) {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(candidate, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}
