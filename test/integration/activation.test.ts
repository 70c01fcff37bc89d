import * as assert from 'node:assert/strict';
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
