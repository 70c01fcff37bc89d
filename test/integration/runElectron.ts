// Runs the same mocha suite in desktop VS Code, downloaded by @vscode/test-electron (needs network).
// `npm run test:electron`; offline machines use the code-server runner (npm run test:integration).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const repo = path.resolve(__dirname, '..', '..', '..');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'image-jobs-electron-'));
  const workspace = path.join(runDir, 'workspace');
  fs.cpSync(path.join(repo, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
  await runTests({
    version: process.env.VSCODE_VERSION ?? 'stable',
    extensionDevelopmentPath: repo,
    extensionTestsPath: path.join(repo, 'out', 'test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', path.join(runDir, 'user-data')],
    extensionTestsEnv: { IMAGE_JOBS_TEST_USER_DATA: path.join(runDir, 'user-data') },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
