// The tools install runs npm inside `npm test` / `npm run demo`. An inherited npm environment made
// code-server's postinstall refuse ("requires node v24 ... you are on node v20"): these tests start
// the real script under an outer npm's variables and a hostile ~/.npmrc and check nothing gets through.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './helpers';

const script = resolve(__dirname, '..', '..', '..', 'scripts', 'lib', 'clean-npm-env.sh');

/** Runs `command` through clean-npm-env.sh with what `npm run` would have set, plus a user .npmrc. */
function runCleaned(command: string): string {
  const home = tempDir();
  writeFileSync(join(home, '.npmrc'), 'nodedir=/nonexistent/headers\nignore-scripts=true\n');
  return execFileSync('bash', [script, 'bash', '-c', command], {
    encoding: 'utf8',
    env: {
      ...process.env,
      HOME: home,
      npm_config_user_agent: 'npm/11.0.0 node/v20.20.2 linux x64 workspaces/false',
      npm_config_nodedir: '/usr',
      NPM_CONFIG_IGNORE_SCRIPTS: 'true',
      npm_package_name: 'image-jobs',
      npm_lifecycle_event: 'test',
      npm_execpath: '/usr/lib/node_modules/npm/bin/npm-cli.js',
      INIT_CWD: '/somewhere',
      PATH: `/repo/node_modules/.bin:/usr/lib/node_modules/npm/node_modules/@npmcli/run-script/lib/node-gyp-bin:${process.env.PATH}`,
    },
  });
}

test('no npm_* variable of the outer npm reaches the command', () => {
  const inherited = runCleaned('env')
    .split('\n')
    .map((line) => line.split('=')[0]!)
    .filter((name) => /^(npm_(config_(user_agent|nodedir|ignore_scripts)|package_|lifecycle_|execpath)|init_cwd)/i.test(name));
  assert.deepEqual(inherited, []);
});

test('the outer node_modules/.bin and node-gyp shim are off PATH', () => {
  const path = runCleaned('printf %s "$PATH"');
  assert.doesNotMatch(path, /node_modules\/\.bin|node-gyp-bin/);
  assert.match(path, /\/usr\/bin|\/bin/);
});

test("a nested npm sees neither the user's .npmrc nor the outer npm's settings", () => {
  const [nodedir, ignoreScripts, userAgent] = runCleaned('npm config get nodedir; npm config get ignore-scripts; npm config get user-agent')
    .trim()
    .split('\n');
  assert.notEqual(nodedir, '/nonexistent/headers');
  assert.notEqual(nodedir, '/usr');
  assert.equal(ignoreScripts, 'false');
  // the default template: npm fills in its own (here: the inner) node version
  assert.match(userAgent!, /\{node-version\}/);
});
