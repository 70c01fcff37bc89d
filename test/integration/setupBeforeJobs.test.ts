import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { JobRecord } from '../../src/core/jobModel';
import { SerikaServer } from '../fixtures/providers/serikaServer';
import { activateExtension, answering, closeAllEditors, messagesOf, until, waitForJob, workspaceFile } from './support';

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

  it('setup: the key prompt dismissed after typing a prompt says nothing was sent; Use Sandbox makes it there', async () => {
    const api = await activateExtension();
    await closeAllEditors();
    await vscode.workspace.getConfiguration('imageJobs').update('defaultProvider', 'serika', vscode.ConfigurationTarget.Workspace);
    let madeOnSandbox: JobRecord | undefined;
    const { result, shown } = await answering(
      (entry) => {
        if (entry.kind === 'input') return entry.options.title === 'Image Jobs: Generate Image' ? 'a red fox in snow' : undefined;
        return entry.kind === 'warning' ? 'Use Sandbox' : undefined;
      },
      async () => {
        const generated = await vscode.commands.executeCommand('imageJobs.generate');
        madeOnSandbox = await until(
          () => api.listJobs().find((job) => job.request.prompt === 'a red fox in snow'),
          'the job on the Sandbox',
        );
        return generated;
      },
    );
    assert.equal(result, undefined, 'the command itself recorded nothing');
    const keyPrompt = shown.find((entry) => entry.kind === 'input' && entry.options.title === 'API key for Serika');
    assert.match(
      String(keyPrompt?.kind === 'input' && keyPrompt.options.prompt),
      /^Serika needs an API key to generate "a red fox in snow"; nothing is sent without one\. Stored in VS Code SecretStorage/,
    );
    assert.deepEqual(messagesOf(shown, 'warning'), [
      {
        message:
          'Nothing was sent for "a red fox in snow": Serika needs an API key. Set API Key to send it once the key is saved, or try it on the offline Sandbox.',
        buttons: ['Set API Key', 'Use Sandbox'],
      },
    ]);
    assert.equal(madeOnSandbox!.request.providerId, 'sandbox', 'the same text, on the Sandbox');
  });

  it('setup: Set API Key from that warning sends the same prompt once the key is saved', async () => {
    const api = await activateExtension();
    const serika = new SerikaServer();
    await serika.start();
    const settings = vscode.workspace.getConfiguration('imageJobs');
    await settings.update('serika.baseUrl', serika.baseUrl, vscode.ConfigurationTarget.Workspace);
    await settings.update('defaultProvider', 'serika', vscode.ConfigurationTarget.Workspace);
    await closeAllEditors();
    try {
      const { shown } = await answering(
        (entry) => {
          if (entry.kind === 'input' && entry.options.title === 'Image Jobs: Generate Image') return 'a grey heron in the rain';
          // the first key prompt dismissed; the one Set API Key opens answered
          if (entry.kind === 'input') return entry.options.prompt?.startsWith('Once it is saved') ? serika.apiKey : undefined;
          return entry.kind === 'warning' ? 'Set API Key' : undefined;
        },
        async () => {
          await vscode.commands.executeCommand('imageJobs.generate');
          const job = await until(
            () => api.listJobs().find((candidate) => candidate.request.prompt === 'a grey heron in the rain'),
            'the job',
          );
          return waitForJob(api, job.id, ['succeeded', 'failed']);
        },
      ).then(({ result, shown }) => {
        assert.equal(result.request.providerId, 'serika');
        assert.equal(result.status, 'succeeded', result.error?.message);
        return { shown };
      });
      assert.equal(shown.filter((entry) => entry.kind === 'input').length, 3, 'the prompt, the key dismissed, the key given');
    } finally {
      await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' });
      await settings.update('serika.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
      await serika.stop();
    }
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
