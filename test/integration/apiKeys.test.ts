import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activateExtension, answering, filesContaining, messagesOf } from './support';

const KEY = 'sk-integration-test-9f8e7d6c5b4a';

describe('API keys', () => {
  it('set and clear per provider via SecretStorage, scriptable with {provider, key}', async () => {
    const api = await activateExtension();
    assert.equal(await api.hasApiKey('serika'), false);
    assert.equal(await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: KEY }), true);
    assert.equal(await api.hasApiKey('serika'), true);
    assert.equal(await api.hasApiKey('tams'), false, 'keys are per provider');
    assert.equal(await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' }), true);
    assert.equal(await api.hasApiKey('serika'), false);
  });

  it('Clear API Key says what it cleared, and lists only the providers that have a key', async () => {
    const api = await activateExtension();
    const clear = (arg?: unknown) =>
      answering(
        (entry) => (entry.kind === 'pick' ? 'Serika' : undefined),
        () => vscode.commands.executeCommand<boolean>('imageJobs.clearApiKey', arg),
      );
    for (const provider of ['serika', 'tams', 'bifrost', 'photogpt', 'submodel']) await clear({ provider });
    const none = await clear();
    assert.deepEqual(none.shown, [
      {
        kind: 'info',
        message: 'No provider has an API key stored: there is nothing to clear.',
        options: undefined,
        items: [],
        buttons: [],
      },
    ]);
    assert.equal(none.result, false);

    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: KEY });
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'tams', key: KEY });
    const picked = await clear();
    const pick = picked.shown[0]!;
    assert.deepEqual(pick.kind === 'pick' && pick.labels, ['Serika', 'TensorArt TAMS'], 'only the providers with a key');
    assert.deepEqual(messagesOf(picked.shown, 'info'), [{ message: 'API key for Serika cleared.', buttons: [] }]);
    assert.deepEqual([await api.hasApiKey('serika'), await api.hasApiKey('tams')], [false, true]);
    const scripted = await clear({ provider: 'tams' });
    assert.deepEqual(messagesOf(scripted.shown, 'info'), [{ message: 'API key for TensorArt TAMS cleared.', buttons: [] }]);
  });

  it('rejects unknown providers with a clear message', async () => {
    await activateExtension();
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'nope', key: 'x' })),
      /Unknown provider "nope"; expected one of serika, tams/,
    );
  });

  it('never writes a key to settings, workspace files, job state or logs', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'bifrost', key: KEY });
    await vscode.commands.executeCommand('imageJobs.generate', { prompt: 'a job while a key is set' });
    const settings = JSON.stringify(vscode.workspace.getConfiguration('imageJobs'));
    assert.ok(!settings.includes(KEY), 'settings');
    assert.ok(!JSON.stringify(api.listJobs()).includes(KEY), 'job records');
    const root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.deepEqual(filesContaining(root, KEY), [], 'workspace files');
    const userData = process.env.IMAGE_JOBS_TEST_USER_DATA;
    if (userData) {
      // code-server runner: logs and user settings live here (the secret store itself is excluded)
      const ownLog = fs
        .readdirSync(path.join(userData, 'logs'), { recursive: true })
        .map(String)
        .filter((file) => file.endsWith('Image Jobs.log'));
      assert.ok(ownLog.length > 0, 'the Image Jobs log is among the scanned files');
      assert.deepEqual(filesContaining(path.join(userData, 'logs'), KEY), [], 'log files');
      const journal = fs
        .readdirSync(path.join(userData, 'User'), { recursive: true })
        .map(String)
        .filter((file) => file.endsWith('jobs.jsonl'));
      assert.ok(journal.length > 0, 'the jobs journal is among the scanned files');
      assert.deepEqual(
        filesContaining(path.join(userData, 'User'), KEY).filter((file) => !/secret|state\.vscdb/i.test(file)),
        [],
        'user files',
      );
    }
    await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'bifrost' });
  });
});
