import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ImageJobsApi } from '../../src/extension';
import { activateExtension, closeAllEditors, waitForJob, workspaceFile } from './support';

async function treeItem(api: ImageJobsApi, id: string): Promise<vscode.TreeItem> {
  const children = (await api.jobsTree.getChildren()) ?? [];
  assert.ok(children.includes(id), `job ${id} is in the tree`);
  return api.jobsTree.getTreeItem(id);
}

function iconId(item: vscode.TreeItem): string {
  return (item.iconPath as vscode.ThemeIcon).id;
}

async function withSandboxDuration<T>(ms: number, body: () => Promise<T>): Promise<T> {
  const settings = vscode.workspace.getConfiguration('imageJobs');
  const previous = settings.inspect<number>('sandbox.jobDurationMs')?.workspaceValue;
  await settings.update('sandbox.jobDurationMs', ms, vscode.ConfigurationTarget.Workspace);
  try {
    return await body();
  } finally {
    await settings.update('sandbox.jobDurationMs', previous, vscode.ConfigurationTarget.Workspace);
  }
}

describe('Jobs view and job actions', () => {
  afterEach(closeAllEditors);

  it('shows each job with status icon, description and context tokens as it progresses', async () => {
    const api = await activateExtension();
    await withSandboxDuration(2500, async () => {
      const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'a tree view test: red barn in snow' });
      const queued = await treeItem(api, id);
      assert.equal(queued.id, id);
      assert.equal(queued.label, 'a tree view test: red barn in snow');
      assert.match(String(queued.description), /^queued #\d+ · 0:0\d$/);
      assert.equal(iconId(queued), 'clock');
      assert.match(String(queued.contextValue), /\bcancelable\b/);
      // the engine polls at the Sandbox's ETA, skipping the running phase: ask for a look mid-job
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await vscode.commands.executeCommand('imageJobs.refreshJobs');
      await waitForJob(api, id, ['running']);
      const running = await treeItem(api, id);
      assert.equal(iconId(running), 'sync~spin');
      assert.match(String(running.description), /^running( \d+%)? · 0:0\d$/);
      const done = await waitForJob(api, id, ['succeeded']);
      const item = await treeItem(api, id);
      assert.equal(iconId(item), 'pass');
      assert.match(String(item.description), /^1 image · 0:0\d$/);
      assert.deepEqual(String(item.contextValue).split(' '), ['job', 'status-succeeded', 'hasResult', 'removable']);
      assert.deepEqual(item.command?.arguments, [id]);
      assert.match((item.tooltip as vscode.MarkdownString).value, new RegExp(done.remoteId!));
    });
  });

  it('cancels a running job on the provider and in the tree', async () => {
    const api = await activateExtension();
    await withSandboxDuration(20_000, async () => {
      const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'a job to cancel' });
      await vscode.commands.executeCommand('imageJobs.job.cancel', id);
      const job = api.getJob(id)!;
      assert.equal(job.status, 'cancelled');
      const item = await treeItem(api, id);
      assert.equal(iconId(item), 'circle-slash');
      assert.doesNotMatch(String(item.contextValue), /cancelable/);
      assert.match(String(item.contextValue), /\bretryable\b/);
    });
  });

  it('a failed job shows its reason; retry submits it again', async () => {
    const api = await activateExtension();
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', workspaceFile('prompts/failing.prompt'));
    const failed = await waitForJob(api, id, ['failed', 'succeeded']);
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!.message, /always fails/);
    const item = await treeItem(api, id);
    assert.equal(iconId(item), 'error');
    assert.match(String(item.description), /^failed · .*always fails/);
    const retried = await vscode.commands.executeCommand<string>('imageJobs.job.retry', id);
    assert.notEqual(retried, id);
    assert.equal(api.getJob(retried)!.request.model, 'broken');
    await waitForJob(api, retried, ['failed']);
  });

  it('copies the provider job id, opens the result, and removes the job', async () => {
    const api = await activateExtension();
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'copy open remove' });
    const job = await waitForJob(api, id, ['succeeded']);
    const copied = await vscode.commands.executeCommand<string>('imageJobs.job.copyId', id);
    assert.equal(copied, job.remoteId);
    assert.equal(await vscode.env.clipboard.readText(), job.remoteId);

    await vscode.commands.executeCommand('imageJobs.job.openResult', id);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    const input = tab?.input as { uri?: vscode.Uri } | undefined;
    assert.equal(input?.uri?.toString(), workspaceFile(job.assets[0]!.path).toString());

    await vscode.commands.executeCommand('imageJobs.job.remove', id);
    assert.equal(api.getJob(id), undefined);
    assert.ok(!((await api.jobsTree.getChildren()) ?? []).includes(id));
    await vscode.workspace.fs.stat(workspaceFile(job.assets[0]!.path)); // the file stays
  });
});
