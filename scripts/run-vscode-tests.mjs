// Runs the integration suite (test/integration, mocha) inside a real VS Code: code-server's Node
// extension host, loaded through the workbench URL payload, with the browser side in Debian chromium.
// Exit code = mocha's verdict, reported by the workbench through window.codeAutomationExit(code) and
// cross-checked with the result file the suite writes (so "never ran" cannot pass).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import util from 'node:util';
import { ensureTools, freePort, launchBrowser, prepareRun, repo, startCodeServer, testOutput } from './lib/workbench.mjs';

const TIMEOUT_MS = Number(process.env.IMAGE_JOBS_TEST_TIMEOUT_MS ?? 15 * 60 * 1000);
// workbench chatter that is not the suite's output
const NOISE =
  /Failed to load resource|open-vsx|authentication provider|Creating a socket|connection token|reconnection-grace|Service Worker|AgentHost|AccountPolicyGate|builtin extensions cache|web worker extension host|allow-same-origin|[Dd]ebugger/;

// --untrusted: the restricted-mode suite (test/integration/untrusted) in a folder nobody trusted,
// with workspace trust on; --reload: the suite that reloads its window (test/integration/reload),
// run again by the reloaded window; otherwise the main suite with trust off
const untrusted = process.argv.includes('--untrusted');
const suite = untrusted ? 'untrusted' : process.argv.includes('--reload') ? 'reload' : 'main';
const runDir = join(testOutput, suite === 'main' ? 'integration' : `integration-${suite}`);
const tools = ensureTools();
// no .vsix: the extension is loaded from this folder as extensionDevelopmentPath
const workspace = prepareRun({
  tools,
  runDir,
  workspaceSource: join(repo, 'test', 'fixtures', untrusted ? 'untrusted-workspace' : 'workspace'),
  userSettings: {
    // the web workbench saves edits a second after they are made (files.autoSave defaults to afterDelay
    // there, off on the desktop): a test of unsaved edits whose job took longer found them saved, and
    // the revert after it kept them, so a later test read the edited file (CI, three times)
    'files.autoSave': 'off',
    // restricted mode without the startup dialog: nobody answers it in a test
    ...(untrusted && { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' }),
  },
});
const resultFile = join(runDir, 'result.json');
const port = await freePort();
const server = await startCodeServer({ tools, runDir, workspace, port, smokeTestDriver: true, workspaceTrust: untrusted });
let code;
let browser;
try {
  const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
  const extensionEnv = {
    IMAGE_JOBS_TEST_RESULT: resultFile,
    IMAGE_JOBS_TEST_USER_DATA: join(runDir, 'user-data'),
    IMAGE_JOBS_TEST_SUITE: suite,
  };
  if (process.env.IMAGE_JOBS_TEST_GREP) extensionEnv.IMAGE_JOBS_TEST_GREP = process.env.IMAGE_JOBS_TEST_GREP;
  const payload = [
    ['extensionDevelopmentPath', remote(repo)],
    ['extensionTestsPath', remote(join(repo, 'out', 'test', 'integration', 'index.js'))],
    ['extensionEnvironment', JSON.stringify(extensionEnv)],
  ];
  const launched = await launchBrowser();
  browser = launched.browser;
  const { page } = launched;
  const exited = new Promise((done) => page.exposeFunction('codeAutomationExit', (exitCode) => done(exitCode)));
  // the extension host's console reaches the page in development mode: that is mocha's report
  page.on('console', async (message) => {
    let text;
    try {
      const args = await Promise.all(message.args().map((arg) => arg.jsonValue()));
      text =
        typeof args[0] === 'string' && args[0].startsWith('%c') && typeof args[2] === 'string'
          ? `${args[0].slice(2).trim()} ${util.format(...args.slice(2))}`
          : util.format(...args);
    } catch {
      text = message.text();
    }
    text = text.replace(/^\[Extension Host\]\s*/, '').replace(/^(INFO|LOG) /, '');
    if (text.trim() && !NOISE.test(text)) console.log(text);
  });
  await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  const verdict = await Promise.race([exited, new Promise((done) => setTimeout(() => done('timeout'), TIMEOUT_MS))]);
  if (verdict === 'timeout') {
    await page.screenshot({ path: join(runDir, 'timeout.png') }).catch(() => undefined);
    console.error(`TIMEOUT: the suite did not finish in ${TIMEOUT_MS / 1000} s (screenshot: ${join(runDir, 'timeout.png')})`);
    code = 2;
  } else {
    code = Number(verdict);
    const result = existsSync(resultFile) ? JSON.parse(readFileSync(resultFile, 'utf8')) : undefined;
    if (!result) {
      console.error(`The suite never ran: no result file. See ${server.log}`);
      code ||= 3;
    } else if (result.failures > 0 || result.passes === 0) {
      code ||= 1;
    } else {
      console.log(`${result.passes} passed, ${result.failures} failed`);
    }
  }
} catch (error) {
  console.error(error);
  code = 1;
} finally {
  await browser?.close().catch(() => undefined);
  server.stop();
}
console.log(
  `${{ main: 'integration', untrusted: 'untrusted-workspace', reload: 'reload' }[suite]} suite in real VS Code (code-server): exit ${code}`,
);
process.exit(code);
