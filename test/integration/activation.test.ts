import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, EXTENSION_ID } from './support';

describe('activation in a real VS Code', () => {
  it('activates and registers every contributed command', async () => {
    const api = await activateExtension();
    assert.ok(api.listJobs, 'the extension returns its API');
    const commands = await vscode.commands.getCommands(true);
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { commands: { command: string }[] } };
    for (const { command } of manifest.contributes.commands) assert.ok(commands.includes(command), `${command} is registered`);
    console.log(`VS Code ${vscode.version} (${vscode.env.appName}), remote ${vscode.env.remoteName ?? 'none'}`);
  });
});

describe('commands in a real VS Code', () => {
  it('a command given an argument it cannot use rejects, and the failure is in the Image Jobs log', async () => {
    await activateExtension();
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('imageJobs.job.cancel', { jobId: 42 })),
      /Expected a job id or \{ jobId \}/,
    );
    const userData = process.env.IMAGE_JOBS_TEST_USER_DATA;
    if (!userData) return; // the electron runner keeps its logs elsewhere
    // the log file appears and fills asynchronously: look again until it has the line
    const logged = () =>
      fs
        .readdirSync(path.join(userData, 'logs'), { recursive: true })
        .map(String)
        .filter((file) => file.endsWith('Image Jobs.log'))
        .some((file) =>
          fs.readFileSync(path.join(userData, 'logs', file), 'utf8').includes('[command] imageJobs.job.cancel failed: Expected a job id'),
        );
    const end = Date.now() + 30_000;
    while (Date.now() < end && !logged()) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.ok(logged(), 'the log has the failure');
  });
});
