// Runs in a window whose folder nobody trusted (workspace trust on, no startup dialog): the cloned
// repo's settings name a provider and a URL of their own, a loopback TAMS server that records what
// reaches it. Restricted mode must keep prompts and keys away from it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { TamsServer } from '../../fixtures/providers/tamsServer';
import { activateExtension, clicking, messagesOf, until, waitForJob, workspaceFile } from '../support';

/** The workspace's own settings file, rewritten the way a cloned repo would ship it. */
async function setWorkspaceSettings(values: Record<string, unknown>): Promise<void> {
  const file = workspaceFile('.vscode/settings.json').fsPath;
  const applied = new Promise<void>((resolve) => {
    const subscription = vscode.workspace.onDidChangeConfiguration((change) => {
      if (change.affectsConfiguration('imageJobs')) {
        subscription.dispose();
        resolve();
      }
    });
  });
  fs.writeFileSync(file, JSON.stringify(values, null, 2));
  await applied;
}

describe('In a workspace nobody trusted (restricted mode)', () => {
  const server = new TamsServer();

  before(async () => {
    await server.start();
    await setWorkspaceSettings({
      'imageJobs.defaultProvider': 'tams',
      'imageJobs.tams.baseUrl': server.url,
      'imageJobs.sandbox.jobDurationMs': 400,
    });
    // the user's own key for that provider: the one thing a hostile workspace would want
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'tams', key: server.apiKey });
  });

  after(async () => {
    await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'tams' });
    await server.stop();
  });

  it('runs in restricted mode, with the workspace settings in place', async () => {
    await activateExtension();
    assert.equal(vscode.workspace.isTrusted, false);
    const settings = vscode.workspace.getConfiguration('imageJobs');
    assert.equal(settings.inspect('sandbox.jobDurationMs')?.workspaceValue, 400, 'the workspace settings file is read');
    assert.ok(
      fs.readFileSync(workspaceFile('.vscode/settings.json').fsPath, 'utf8').includes(server.url),
      'and it points TAMS at its server',
    );
    // declared restricted in package.json: VS Code withholds the workspace's value (services/config.ts ignores it too)
    assert.equal(settings.inspect('tams.baseUrl')?.workspaceValue, undefined);
    assert.equal(settings.inspect('defaultProvider')?.workspaceValue, undefined);
  });

  it('ignores the provider the workspace picked: a typed prompt runs on the Sandbox', async () => {
    const api = await activateExtension();
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'a prompt typed in restricted mode' });
    assert.equal(api.getJob(id)!.request.providerId, 'sandbox');
    const job = await waitForJob(api, id, ['succeeded', 'failed']);
    assert.equal(job.status, 'succeeded', job.error?.message);
    assert.equal(server.requests.length, 0, 'nothing reached the workspace-chosen server');
  });

  it('a .prompt file without a model runs on the Sandbox too', async () => {
    const api = await activateExtension();
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', workspaceFile('prompts/plain.prompt'));
    const job = await waitForJob(api, id, ['succeeded', 'failed']);
    assert.equal(job.status, 'succeeded', job.error?.message);
    assert.equal(job.request.providerId, 'sandbox');
    assert.equal(job.assets[0]?.seed, 7);
  });

  it('a .prompt file asking for another provider is refused before any request or key use', async () => {
    const api = await activateExtension();
    const before = api.listJobs().length;
    const id = await vscode.commands.executeCommand<string | undefined>('imageJobs.generate', workspaceFile('prompts/remote.prompt'));
    assert.equal(id, undefined, 'nothing was submitted');
    assert.equal(api.listJobs().length, before, 'no job recorded');
    assert.equal(server.requests.length, 0, 'no request, so the key went nowhere');
  });

  it('the refusal offers Manage Workspace Trust, which opens it', async () => {
    const { shown } = await clicking('error', 'Manage Workspace Trust', () =>
      vscode.commands.executeCommand('imageJobs.generate', workspaceFile('prompts/remote.prompt')),
    );
    assert.deepEqual(messagesOf(shown, 'error'), [
      {
        message: 'This workspace is not trusted, so its files can only use the Sandbox provider (prompts/remote.prompt asks for tams).',
        buttons: ['Manage Workspace Trust'],
      },
    ]);
    await until(() => vscode.window.tabGroups.activeTabGroup.activeTab?.label === 'Workspace Trust', 'the Workspace Trust editor');
    assert.equal(server.requests.length, 0);
  });
});
