// Runs the same mocha suite in desktop VS Code, downloaded by @vscode/test-electron (needs network).
// `npm run test:electron`; offline machines use the code-server runner (npm run test:integration).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

const repo = path.resolve(__dirname, '..', '..', '..');

/** The main suite with workspace trust off; the restricted-mode suite in a folder nobody trusted. */
async function runSuite(suite: 'main' | 'untrusted'): Promise<void> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `image-jobs-electron-${suite}-`));
  const workspace = path.join(runDir, 'workspace');
  fs.cpSync(path.join(repo, 'test', 'fixtures', suite === 'main' ? 'workspace' : 'untrusted-workspace'), workspace, { recursive: true });
  const userData = path.join(runDir, 'user-data');
  if (suite === 'untrusted') {
    // restricted mode without the startup dialog: nobody answers it in a test
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(
      path.join(userData, 'User', 'settings.json'),
      JSON.stringify({ 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' }),
    );
  }
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repo,
    extensionTestsPath: path.join(repo, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      ...(suite === 'main' ? ['--disable-workspace-trust'] : []),
      '--user-data-dir',
      userData,
    ],
    extensionTestsEnv: { IMAGE_JOBS_TEST_USER_DATA: userData, IMAGE_JOBS_TEST_SUITE: suite },
  });
}

async function main(): Promise<void> {
  await runSuite('main');
  await runSuite('untrusted');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
