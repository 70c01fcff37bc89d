import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors, workspaceFile } from './support';

/** Resolves with the command's result, or 'pending' if it has not settled after `ms`. */
function settledWithin<T>(promise: Thenable<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([Promise.resolve(promise), new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

describe('Setup before jobs: a provider without a key', () => {
  const promptFile = workspaceFile('prompts/setup-check.prompt');

  before(async () => {
    await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' });
    await vscode.workspace.fs.writeFile(promptFile, Buffer.from('---\nmodel: serika/flux-schnell\n---\nA lighthouse at dusk\n'));
  });
  after(async () => {
    await vscode.workspace.fs.delete(promptFile);
    await vscode.workspace.getConfiguration('imageJobs').update('defaultProvider', undefined, vscode.ConfigurationTarget.Workspace);
    await closeAllEditors();
  });

  it('setup: a script gets undefined at once (never a prompt), and no failed job is recorded', async () => {
    const api = await activateExtension();
    await vscode.workspace.getConfiguration('imageJobs').update('defaultProvider', 'serika', vscode.ConfigurationTarget.Workspace);
    const before = api.listJobs().length;
    const result = await settledWithin(vscode.commands.executeCommand('imageJobs.generate', { prompt: 'a lighthouse' }), 5000);
    assert.equal(result, undefined, 'resolved undefined, without waiting for anyone');
    assert.equal(api.listJobs().length, before, 'no job recorded');
  });

  it('setup: a .prompt file asks for the key first; dismissing the prompt records no job', async () => {
    const api = await activateExtension();
    const before = api.listJobs().length;
    const generating = vscode.commands.executeCommand('imageJobs.generate', promptFile);
    // the key prompt (an input box) waits for the user
    assert.equal(await settledWithin(generating, 1500), 'pending');
    assert.equal(api.listJobs().length, before, 'nothing recorded while asking');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await settledWithin(generating, 5000), undefined);
    assert.equal(api.listJobs().length, before, 'no job recorded');
  });
});
