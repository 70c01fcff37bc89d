// The chat agent tools in a real VS Code, called as any agent or extension calls them: through
// vscode.lm.invokeTool. Sandbox jobs run for real; what a call records, saves and answers is checked.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { pngSize } from '../../src/core/results/png';
import type { ImageJobsApi } from '../../src/extension';
import { isGroupKey } from '../../src/views/jobGroups';
import { SerikaServer } from '../fixtures/providers/serikaServer';
import { activateExtension, EXTENSION_ID, readWorkspaceFile, waitForJob, workspaceFile } from './support';

const OUTPUT = 'agent-tool-images';
const PROMPT = 'A lighthouse for the agent tool test, watercolor';

function textOf(result: vscode.LanguageModelToolResult): string {
  return result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
}

function invoke(name: string, input: object, token?: vscode.CancellationToken): Thenable<vscode.LanguageModelToolResult> {
  return vscode.lm.invokeTool(name, { toolInvocationToken: undefined, input }, token);
}

/** Resolves with the call's result, or 'pending' if it has not settled after `ms` (a prompt would wait for a person). */
function settledWithin<T>(promise: Thenable<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([Promise.resolve(promise), new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

/** Every job row of the Jobs view, listed or grouped by prompt file. */
async function jobRows(api: ImageJobsApi): Promise<string[]> {
  const top = (await api.jobsTree.getChildren()) ?? [];
  const grouped = await Promise.all(top.filter(isGroupKey).map(async (group) => (await api.jobsTree.getChildren(group)) ?? []));
  return [...top, ...grouped.flat()];
}

describe('Agent tools through vscode.lm.invokeTool', () => {
  const made = new Set<string>();

  after(async () => {
    for (const id of made) await vscode.commands.executeCommand('imageJobs.job.remove', id);
    await vscode.workspace.fs.delete(workspaceFile(OUTPUT), { recursive: true, useTrash: false }).then(undefined, () => undefined);
  });

  /** Jobs the extension recorded since `before`; each is removed after the suite. */
  function newJobs(before: ReadonlySet<string>, ids: readonly string[]): string[] {
    const added = ids.filter((id) => !before.has(id));
    for (const id of added) made.add(id);
    return added;
  }

  it('registers every tool package.json contributes, each described for a model with its input schema', async () => {
    await activateExtension();
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as {
      contributes: { languageModelTools: { name: string; modelDescription: string }[] };
    };
    const declared = manifest.contributes.languageModelTools;
    assert.deepEqual(
      declared.map((tool) => tool.name),
      ['imageJobs_generate', 'imageJobs_listImages'],
    );
    for (const { name, modelDescription } of declared) {
      const tool = vscode.lm.tools.find((candidate) => candidate.name === name);
      assert.ok(tool, `${name} is in vscode.lm.tools`);
      assert.equal(tool.description, modelDescription, 'the model reads the description package.json gives');
      assert.equal((tool.inputSchema as { type: string }).type, 'object');
    }
  });

  it('imageJobs_generate on the Sandbox: a job in the Jobs view, PNGs saved, paths and Markdown relative to the target document', async () => {
    const api = await activateExtension();
    const before = new Set(api.listJobs().map((job) => job.id));
    const result = await invoke('imageJobs_generate', {
      prompt: PROMPT,
      model: 'sandbox/landscape',
      size: '256x192',
      count: 2,
      seed: 5,
      outputFolder: OUTPUT,
      targetDocument: 'docs/notes.md',
    });
    const text = textOf(result);
    const [id] = newJobs(
      before,
      api.listJobs().map((job) => job.id),
    );
    assert.ok(id, `a job was recorded: ${text}`);
    const job = api.getJob(id)!;
    assert.equal(job.status, 'succeeded', text);
    assert.deepEqual(job.source, { kind: 'agent' });
    assert.ok((await jobRows(api)).includes(id), 'the job is in the Jobs view like any other');
    assert.match(text, /^Generated 2 images with sandbox\/landscape in \d+:\d\d \(job /);
    assert.equal(job.assets.length, 2);
    for (const asset of job.assets) {
      assert.ok(asset.path.startsWith(`${OUTPUT}/`), asset.path);
      assert.ok(text.includes(`. ${asset.path} (256×192, seed ${asset.seed})`), `${asset.path} is listed with its size and seed`);
      assert.ok(text.includes(`![${PROMPT}](../${asset.path})`), `the Markdown reference is relative to docs/notes.md: ${text}`);
      assert.deepEqual(pngSize(Buffer.from(await readWorkspaceFile(asset.path))), { width: 256, height: 192 });
    }
    assert.match(text, /Reference \(relative to docs\/notes\.md\)/);
  });

  it('imageJobs_listImages finds those images by words of their prompt, newest N, with their parameters', async () => {
    await activateExtension();
    const text = textOf(await invoke('imageJobs_listImages', { query: 'agent tool test lighthouse', limit: 1 }));
    assert.match(text, /^The newest 1 of 2 matching images \(\d+ in the gallery\):/);
    assert.match(text, new RegExp(`^1\\. ${OUTPUT}/\\S+\\.png \\(\\d{4}-`, 'm'));
    assert.ok(text.includes(`Prompt: ${PROMPT}`), text);
    assert.match(text, /Model: sandbox\/landscape; Seed: [56]; Size: 256×192/);
    // no target document: the path is relative to the workspace folder
    assert.match(text, new RegExp(`Reference \\(relative to the workspace folder\\): !\\[${PROMPT}\\]\\(${OUTPUT}/\\S+\\.png\\)`));
    const none = textOf(await invoke('imageJobs_listImages', { query: 'no image has this prompt zyxw' }));
    assert.match(none, /^None of the gallery's \d+ images match\./);
  });

  it('bad input: a result that says what to fix, and no job', async () => {
    const api = await activateExtension();
    const before = api.listJobs().length;
    const text = textOf(
      await invoke('imageJobs_generate', { prompt: 'a lighthouse', count: 99, size: 'huge', outputFolder: '../outside' }),
    );
    assert.match(text, /^Nothing was generated: the input has problems\./);
    assert.match(text, /- count: at most 10/);
    assert.match(text, /- size must be "WIDTHxHEIGHT"/);
    assert.match(text, /- outputFolder must be a path inside the workspace/);
    assert.equal(api.listJobs().length, before, 'no job recorded');
    const listed = textOf(await invoke('imageJobs_listImages', { limit: 0 }));
    assert.match(listed, /^The input has problems:\n- limit: at least 1/);
  });

  it('a provider without an API key: a result asking the user for the key, at once, with no job and no prompt', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' });
    const before = api.listJobs().length;
    const result = await settledWithin(invoke('imageJobs_generate', { prompt: 'a lighthouse', model: 'serika/flux-schnell' }), 5000);
    assert.notEqual(result, 'pending', 'nobody is asked: the result tells the agent');
    const text = textOf(result as vscode.LanguageModelToolResult);
    assert.match(text, /^Nothing was generated: No API key for Serika\./);
    assert.match(text, /Ask the user to run the command "Image Jobs: Set API Key" \(imageJobs\.setApiKey\)/);
    assert.equal(api.listJobs().length, before, 'no job recorded');
  });

  it('another provider runs once confirmed (extension tests answer VS Code dialogs), and its prompt reaches that provider', async () => {
    const api = await activateExtension();
    const server = new SerikaServer();
    await server.start();
    const settings = vscode.workspace.getConfiguration('imageJobs');
    await settings.update('serika.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: server.apiKey });
    try {
      const before = new Set(api.listJobs().map((job) => job.id));
      const text = textOf(
        await invoke('imageJobs_generate', {
          prompt: 'a Serika image for the agent',
          model: 'serika',
          size: '64x64',
          outputFolder: OUTPUT,
          targetDocument: 'README.md',
        }),
      );
      const [id] = newJobs(
        before,
        api.listJobs().map((job) => job.id),
      );
      const job = api.getJob(id!)!;
      assert.equal(job.status, 'succeeded', text);
      assert.equal(`${job.request.providerId}/${job.request.model}`, 'serika/flux-schnell', 'the provider alone: its default model');
      assert.ok(
        server.requests.some((request) => request.body.includes('a Serika image for the agent')),
        'the job went to the provider',
      );
      assert.match(text, /^Generated 1 image with serika\/flux-schnell/);
      assert.ok(text.includes(`![a Serika image for the agent](${job.assets[0]!.path})`), text);
    } finally {
      await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' });
      await settings.update('serika.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await server.stop();
    }
  });

  it('cancelling the call cancels its job', async () => {
    const api = await activateExtension();
    const settings = vscode.workspace.getConfiguration('imageJobs');
    const previous = settings.inspect<number>('sandbox.jobDurationMs')?.workspaceValue;
    await settings.update('sandbox.jobDurationMs', 20_000, vscode.ConfigurationTarget.Workspace);
    try {
      const before = new Set(api.listJobs().map((job) => job.id));
      const source = new vscode.CancellationTokenSource();
      const call = invoke('imageJobs_generate', { prompt: 'a call the agent cancels', outputFolder: OUTPUT }, source.token);
      // cancel once the provider has the job
      const id = await new Promise<string>((resolve) => {
        const look = () => {
          const submitted = newJobs(
            before,
            api.listJobs().map((job) => job.id),
          ).find((candidate) => api.getJob(candidate)?.remoteId);
          if (submitted) {
            subscription.dispose();
            resolve(submitted);
          }
        };
        const subscription = api.onDidChangeJob(look);
      });
      source.cancel();
      await assert.rejects(Promise.resolve(call), (error: Error) => /cancel/i.test(`${error.name} ${error.message}`));
      const job = await waitForJob(api, id, ['cancelled', 'succeeded', 'failed'], 10_000);
      assert.equal(job.status, 'cancelled');
      assert.equal(job.assets.length, 0, 'nothing saved');
      source.dispose();
    } finally {
      await settings.update('sandbox.jobDurationMs', previous, vscode.ConfigurationTarget.Workspace);
    }
  });
});
