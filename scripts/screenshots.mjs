// `npm run screenshots`: the README's screenshots, taken in a real VS Code (code-server + chromium) with
// the packaged extension and the examples workspace, in the light and the dark default theme: the Jobs
// view, the gallery, diagnostics in a .prompt file, and a sweep's batch in the Jobs view. Writes
// media/screenshots/ (or SCREENSHOTS_OUT).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
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
  testOutput,
  waitForCodeLens,
  waitForNotification,
  waitForWorkbench,
  webviewFrame,
} from './lib/workbench.mjs';

const out = resolve(process.env.SCREENSHOTS_OUT ?? join(repo, 'media', 'screenshots'));
const THEMES = [
  { name: 'light', colorTheme: 'Default Light Modern' },
  { name: 'dark', colorTheme: 'Default Dark Modern' },
];
/** A prompt with the mistakes diagnostics catch: a misspelt key, a wrong type, an unknown model, an open `{{`. */
const MISTAKES = `---
model: sandbox/landscpe
config:
  width: 768
  height: 512
  stpes: 20
  seed: forty-two
---
A lighthouse on a cliff at {{time, waves below
`;
const say = (message) => console.log(`[screenshots] ${message}`);

mkdirSync(out, { recursive: true });
const tools = ensureTools();
const vsix = packageExtension();
say(`packaged ${vsix}`);

for (const theme of THEMES) {
  const runDir = join(testOutput, `screenshots-${theme.name}`);
  const workspace = prepareRun({
    tools,
    runDir,
    workspaceSource: join(repo, 'examples'),
    vsix,
    userSettings: {
      'workbench.colorTheme': theme.colorTheme,
      'imageJobs.sandbox.jobDurationMs': 6000,
      'editor.minimap.enabled': false,
      'workbench.layoutControl.enabled': false,
    },
  });
  writeFileSync(join(workspace, 'prompts', 'mistakes.prompt'), MISTAKES);
  const server = await startCodeServer({ tools, runDir, workspace, port: await freePort() });
  const { browser, page } = await launchBrowser();
  await page.setViewportSize({ width: 1280, height: 760 });
  const shot = async (name) => {
    await runCommand(page, 'Notifications: Clear All Notifications');
    await page.waitForTimeout(800);
    const path = join(out, `${name}-${theme.name}.png`);
    await page.screenshot({ path });
    say(path);
  };
  try {
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);

    // the Jobs view: a finished job, a failed one, and one still running
    await openFile(page, 'failure.prompt');
    await waitForCodeLens(page, 'Generate');
    await runCommand(page, 'Image Jobs: Generate Image');
    await openFile(page, 'hello.prompt');
    await waitForCodeLens(page, 'Generate');
    await runCommand(page, 'Image Jobs: Generate Image');
    await waitForNotification(page, 'Image ready');
    await openFile(page, 'variations.prompt');
    await waitForCodeLens(page, 'Generate');
    await runCommand(page, 'Image Jobs: Generate Image');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill('a harbour town');
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'hello.prompt' }).click();
    await page.locator('.activitybar .action-item a[aria-label^="Image Jobs"]').first().click();
    // a wider side bar, so job rows show their state and detail
    const sidebar = await page.locator('.part.sidebar').boundingBox();
    await page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + 300);
    await page.mouse.down();
    await page.mouse.move(sidebar.x + 520, sidebar.y + 300, { steps: 10 });
    await page.mouse.up();
    await page.mouse.move(sidebar.x + 200, sidebar.y + sidebar.height - 20); // off the sash, which stays highlighted
    await page
      .locator('.monaco-list-row', { hasText: /running|queued/ })
      .first()
      .waitFor({ timeout: 15_000 });
    await shot('jobs');

    // the gallery, beside the jobs view
    await page
      .locator('.monaco-list-row', { hasText: /running|queued/ })
      .first()
      .waitFor({ state: 'detached', timeout: 30_000 });
    await runCommand(page, 'View: Close All Editors');
    await runCommand(page, 'Image Jobs: Open Gallery');
    const gallery = await webviewFrame(page, '.card img');
    await gallery.waitForFunction(
      () => [...document.querySelectorAll('.card img')].some((img) => img.complete && img.naturalWidth > 0),
      null,
      { timeout: 30_000 },
    );
    await shot('gallery');

    // diagnostics in a .prompt file, with the Problems panel open
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'mistakes.prompt');
    await page.locator('.editor-instance .squiggly-error').first().waitFor({ timeout: 30_000 });
    await runCommand(page, 'View: Focus Problems');
    await page.locator('.markers-panel .monaco-list-row').first().waitFor({ timeout: 15_000 });
    await shot('diagnostics');

    // a sweep's batch: one row in the Jobs view, its four jobs under it while they run
    await runCommand(page, 'View: Hide Panel');
    await runCommand(page, 'View: Close All Editors');
    await openFile(page, 'sweep.prompt');
    await waitForCodeLens(page, 'Generate 4 images (2 × 2)');
    await runCommand(page, 'Image Jobs: Generate Image');
    // the Image Jobs side bar is open already: a click on its icon would close it
    if (!(await page.locator('.part.sidebar').isVisible())) {
      await page.locator('.activitybar .action-item a[aria-label^="Image Jobs"]').first().click();
    }
    await page.locator('.monaco-list-row', { hasText: 'sweep 2 × 2' }).first().waitFor({ timeout: 15_000 });
    await page.locator('.monaco-list-row', { hasText: 'cfgScale 10 · place a harbour town' }).first().waitFor({ timeout: 15_000 });
    await shot('sweep');
  } catch (error) {
    await page.screenshot({ path: join(runDir, 'failure.png') }).catch(() => undefined);
    say(`failed in the ${theme.name} theme; the screen at that moment: ${join(runDir, 'failure.png')}`);
    throw error;
  } finally {
    await browser.close();
    server.stop();
  }
}
say(`done: ${out}`);
