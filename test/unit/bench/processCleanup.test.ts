// A bench killed by a signal leaves no folder and no client behind: real processes, a real signal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { tempDir, waitFor } from '../helpers';

const cleanup = JSON.stringify(join(__dirname, '..', '..', 'bench', 'processCleanup.js'));

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('a signal to the bench removes its temporary folder, and the client it forked ends with it', async () => {
  const dir = tempDir();
  const client = join(dir, 'client.js');
  writeFileSync(client, `require(${cleanup}).exitWithParent(); process.send('up'); setInterval(() => {}, 1000); // as if polling on`);
  const bench = join(dir, 'bench.js');
  writeFileSync(
    bench,
    `const { exitOnSignals, removeOnExit } = require(${cleanup});
     const { mkdtempSync } = require('node:fs');
     exitOnSignals();
     const folder = mkdtempSync(${JSON.stringify(join(dir, 'bench-'))});
     removeOnExit(folder);
     const child = require('node:child_process').fork(${JSON.stringify(client)}, { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
     child.once('message', () => console.log(JSON.stringify({ folder, client: child.pid })));`,
  );
  const child = spawn(process.execPath, [bench], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const started = JSON.parse(line.toString()) as { folder: string; client: number };
  try {
    assert.ok(existsSync(started.folder) && isAlive(started.client), 'the bench made its folder and forked its client');
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 143, 'it exited through process.exit, so its exit handlers ran');
    assert.equal(existsSync(started.folder), false, 'its folder is gone');
    await waitFor(() => !isAlive(started.client), 5000, 'the client to end with the bench');
  } finally {
    // a failed run leaves nothing running either
    child.kill('SIGKILL');
    if (isAlive(started.client)) process.kill(started.client, 'SIGKILL');
  }
});
