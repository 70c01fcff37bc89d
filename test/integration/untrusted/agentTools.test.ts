// The chat agent tools in a window whose folder nobody trusted: an agent may have read instructions
// from the workspace's own files, so generating is held to the offline Sandbox; listing is read-only.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, workspaceFile } from '../support';

const OUTPUT = 'agent-tool-untrusted';

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

function invoke(name: string, input: object): Thenable<vscode.LanguageModelToolResult> {
  return vscode.lm.invokeTool(name, { toolInvocationToken: undefined, input });
}

describe('Agent tools in restricted mode', () => {
  const made: string[] = [];

  after(async () => {
    for (const id of made) await vscode.commands.executeCommand('imageJobs.job.remove', id);
    await vscode.workspace.fs.delete(workspaceFile(OUTPUT), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  it('imageJobs_generate runs on the Sandbox (the workspace cannot pick the provider) and returns the paths', async () => {
    const api = await activateExtension();
    assert.equal(vscode.workspace.isTrusted, false);
    const before = new Set(api.listJobs().map((job) => job.id));
    const text = textOf(await invoke('imageJobs_generate', { prompt: 'a restricted-mode agent image', outputFolder: OUTPUT }));
    const added = api.listJobs().filter((job) => !before.has(job.id));
    made.push(...added.map((job) => job.id));
    assert.equal(added.length, 1, text);
    assert.equal(added[0]!.request.providerId, 'sandbox', 'the workspace settings name TAMS; they do not count here');
    assert.equal(added[0]!.status, 'succeeded', text);
    assert.ok(text.includes(`. ${added[0]!.assets[0]!.path} (`), text);
  });

  it('imageJobs_generate refuses any other provider with what to do instead, and records no job', async () => {
    const api = await activateExtension();
    const before = api.listJobs().length;
    const text = textOf(await invoke('imageJobs_generate', { prompt: 'a lighthouse', model: 'tams/600423083519508503' }));
    assert.match(text, /^Nothing was generated: this workspace is not trusted \(restricted mode\)/);
    assert.match(text, /not TensorArt TAMS/);
    assert.match(text, /Use model "sandbox\/landscape", or ask the user to trust the workspace/);
    assert.equal(api.listJobs().length, before, 'no job recorded');
  });

  it('imageJobs_listImages lists the images on disk', async () => {
    await activateExtension();
    const text = textOf(await invoke('imageJobs_listImages', { query: 'restricted-mode agent' }));
    assert.match(text, /^1 image, newest first/);
    assert.match(text, new RegExp(`Reference \\(relative to the workspace folder\\): !\\[a restricted-mode agent image\\]\\(${OUTPUT}/`));
  });
});
