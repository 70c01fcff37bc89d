// Entry point VS Code loads as extensionTestsPath (code-server runner and @vscode/test-electron alike):
// runs every *.test.js beside this file with mocha and rejects when any test fails.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env.IMAGE_JOBS_TEST_GREP;
  if (grep) mocha.grep(grep);
  // the restricted-mode suite needs a window whose folder is not trusted, the reload suite a window
  // of its own to reload: each has its own run
  const suite = process.env.IMAGE_JOBS_TEST_SUITE;
  const dir = suite === 'untrusted' || suite === 'reload' ? path.join(__dirname, suite) : __dirname;
  for (const file of fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.test.js'))
    .sort()) {
    mocha.addFile(path.join(dir, file));
  }
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const passes = runner.stats?.passes ?? 0;
      const resultFile = process.env.IMAGE_JOBS_TEST_RESULT;
      if (resultFile) fs.writeFileSync(resultFile, JSON.stringify({ failures, passes, at: new Date().toISOString() }));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else if (passes === 0) reject(new Error('no integration test ran'));
      else resolve();
    });
  });
}
