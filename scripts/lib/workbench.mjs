// Shared by the integration runner, the e2e check and the demo: start code-server (a real VS Code
// server + web workbench) on loopback, open it in Debian chromium via playwright-core, and drive it.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { basename, join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { chromium } from 'playwright-core';

export const repo = resolve(import.meta.dirname, '..', '..');

/** Where runs keep their folders and screenshots; IMAGE_JOBS_TEST_OUTPUT lets two runs share a checkout. */
export const testOutput = resolve(process.env.IMAGE_JOBS_TEST_OUTPUT ?? join(repo, '.test-output'));

/** Installs (first time only) and returns the tools folder: Node 24, code-server, chromium. */
export function ensureTools() {
  const out = execFileSync('bash', [join(repo, 'scripts', 'ensure-test-tools.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return out.trim().split('\n').pop();
}

export function freePort() {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

function codeServerEnv(tools, runDir) {
  const home = join(runDir, 'home');
  mkdirSync(join(runDir, 'tmp'), { recursive: true });
  // HOME/XDG inside the run folder: otherwise code-server writes ~/.config/code-server on first run
  return {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_DATA_HOME: join(home, '.local/share'),
    XDG_CACHE_HOME: join(home, '.cache'),
    PATH: `${join(tools, 'node24', 'bin')}:${process.env.PATH}`,
    TMPDIR: join(runDir, 'tmp'), // VS Code puts its IPC sockets here
  };
}

function codeServerArgs(tools, runDir, extra) {
  return [
    join(tools, 'cs', 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    '--user-data-dir',
    join(runDir, 'user-data'),
    '--extensions-dir',
    join(runDir, 'extensions'),
    ...extra,
  ];
}

/** Installs a .vsix into the run's extensions folder, the way a user would. */
export function installExtension(tools, runDir, vsix) {
  execFileSync(join(tools, 'node24', 'bin', 'node'), codeServerArgs(tools, runDir, ['--install-extension', vsix, '--force']), {
    env: codeServerEnv(tools, runDir),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** Packages the extension as users get it (production bundle). */
export function packageExtension() {
  const folder = process.env.IMAGE_JOBS_TEST_OUTPUT ? join(testOutput, 'build') : join(repo, '.build');
  const vsix = join(folder, 'image-jobs.vsix');
  mkdirSync(folder, { recursive: true });
  // --no-rewrite-relative-links: the README's screenshots stay relative until package.json names the real repository
  execFileSync(
    'npx',
    ['--no-install', 'vsce', 'package', '--no-dependencies', '--skip-license', '--no-rewrite-relative-links', '-o', vsix],
    {
      cwd: repo,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return vsix;
}

/**
 * Starts code-server for `workspace`; resolves once /healthz answers. `smokeTestDriver` lets the
 * workbench honour extensionDevelopmentPath/extensionTestsPath from the URL payload (and hides toasts).
 * `workspaceTrust` keeps VS Code's workspace trust on, so the folder opens in restricted mode.
 */
export async function startCodeServer({
  tools,
  runDir,
  workspace,
  port,
  smokeTestDriver = false,
  host = '127.0.0.1',
  workspaceTrust = false,
}) {
  mkdirSync(join(runDir, 'user-data', 'User'), { recursive: true });
  const log = join(runDir, 'code-server.log');
  const extra = [
    '--auth',
    'none',
    '--bind-addr',
    `${host}:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
  ];
  // trust off unless a run is about restricted mode: a folder nobody trusted runs restricted
  if (!workspaceTrust) extra.push('--disable-workspace-trust');
  if (smokeTestDriver) extra.push('--vscode-option', 'enable-smoke-test-driver');
  const child = spawn(join(tools, 'node24', 'bin', 'node'), codeServerArgs(tools, runDir, [...extra, workspace]), {
    env: codeServerEnv(tools, runDir),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so stop() takes its helpers along
  });
  const logStream = createWriteStream(log);
  child.stdout.pipe(logStream);
  child.stderr.pipe(logStream);
  const stop = () => {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  };
  process.once('exit', stop);
  const url = `http://${host}:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`code-server exited (${child.exitCode}); see ${log}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, stop, log };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  stop();
  throw new Error(`code-server did not answer on ${url}; see ${log}`);
}

/** Debian chromium, headless, with the flags this closed network needs. */
export async function launchBrowser() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  return { browser, page };
}

export async function waitForWorkbench(page) {
  await page.locator('.monaco-workbench .statusbar').waitFor({ timeout: 90_000 });
}

/** Runs a command from the palette (F1), retrying while the workbench is still loading contributions. */
export async function runCommand(page, title) {
  const input = page.locator('.quick-input-widget input');
  for (let attempt = 0; attempt < 6; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(`>${title}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first().waitFor({ timeout: 5000 });
    } catch {
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1000);
      continue;
    }
    await page.keyboard.press('Enter');
    return;
  }
  throw new Error(`could not run "${title}" from the command palette`);
}

/** Opens a workspace file with Quick Open. */
export async function openFile(page, name) {
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(name);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name.split('/').pop() }).waitFor({ timeout: 15_000 });
}

/**
 * Waits for a CodeLens with `text` in the active editor. The extension host learns of the editor
 * (and that it is the active one) before it is asked for lenses: a command run before that would not
 * see the file, and the palette's "Generate Image" would ask for a prompt instead.
 */
export async function waitForCodeLens(page, text, timeoutMs = 30_000) {
  await page.locator('.editor-instance .codelens-decoration', { hasText: text }).first().waitFor({ timeout: timeoutMs });
}

/** The innermost frame of the webview whose document has `selector`. */
export async function webviewFrame(page, selector, timeoutMs = 30_000) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const frame of page.frames()) {
      try {
        if ((await frame.locator(selector).count()) > 0) return frame;
      } catch {
        // frame navigated away
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame with ${selector}`);
}

/** Waits for a notification toast containing `text` (code-server without the smoke-test driver shows them). */
export async function waitForNotification(page, text, timeoutMs = 60_000) {
  const toast = page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  await toast.waitFor({ timeout: timeoutMs });
  return (await toast.innerText()).trim();
}

/** A fresh run folder with `workspace` copied in and the packaged extension installed. */
export function prepareRun({ tools, runDir, workspaceSource, vsix, userSettings = {} }) {
  rmSync(runDir, { recursive: true, force: true });
  const workspace = join(runDir, 'workspace');
  cpSync(workspaceSource, workspace, { recursive: true });
  mkdirSync(join(runDir, 'user-data', 'User'), { recursive: true });
  writeFileSync(
    join(runDir, 'user-data', 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'chat.disableAIFeatures': true,
        'workbench.tips.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...userSettings,
      },
      null,
      2,
    ),
  );
  if (vsix) installExtension(tools, runDir, vsix);
  return workspace;
}

/** A browser check's log lines and its checks: each check asserts, is counted and is logged. */
export function checkReporter(tag) {
  const started = Date.now();
  const step = (message) => console.log(`[${tag} ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
  let passed = 0;
  const check = (ok, message) => {
    assert.ok(ok, message);
    passed++;
    step(`ok: ${message}`);
  };
  return { step, check, passed: () => passed };
}

/**
 * A browser check's start: its run folder under .test-output (`name`), its reporter, the tools and the
 * packaged extension installed into a fresh copy of examples/ (`userSettings` added to the profile).
 */
export function prepareBrowserCheck(name, userSettings = {}) {
  const runDir = join(testOutput, name);
  const shots = join(runDir, 'screenshots');
  const reporter = checkReporter(name);
  const tools = ensureTools();
  const vsix = packageExtension();
  reporter.step(`packaged ${vsix}`);
  const workspace = prepareRun({ tools, runDir, workspaceSource: join(repo, 'examples'), vsix, userSettings });
  mkdirSync(shots, { recursive: true });
  return { ...reporter, runDir, shots, tools, workspace };
}

/** A TypeScript fixture (`test/fixtures/…`) bundled for node into the run folder, and loaded: the saver's own functions write a check's files. */
export function loadFixture(runDir, path) {
  const outfile = join(runDir, `${basename(path, '.ts')}.cjs`);
  esbuild.buildSync({ entryPoints: [join(repo, path)], bundle: true, platform: 'node', format: 'cjs', outfile, logLevel: 'warning' });
  return createRequire(import.meta.url)(outfile);
}

/**
 * Runs a browser check's steps, then closes the browser and code-server and exits: 0 when every check
 * passed, 1 (with `failure.png` in `shots`) when one did not.
 */
export async function runChecks({ browser, page, server, shots, step, passed }, steps) {
  let failed = false;
  try {
    await steps();
    console.log(`${passed()} passed, 0 failed`);
    step(`screenshots in ${shots}`);
  } catch (error) {
    failed = true;
    console.error('E2E FAILED:', error);
    await page.screenshot({ path: join(shots, 'failure.png') }).catch(() => undefined);
    console.log(`${passed()} passed, 1 failed`);
  } finally {
    await browser.close();
    server.stop();
  }
  process.exit(failed ? 1 : 0);
}
