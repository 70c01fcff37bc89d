// Retry of a job cancelled while its submission was on its way to Serika (its request reached the
// server, no answer came back): inside VS Code, Retry asks before sending it again, naming Serika and
// saying the first may have arrived; declined, nothing goes; Send Again sends it. Its own Serika
// loopback server, whose submission hangs, so no other test's jobs or pauses meet it.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { SerikaServer } from '../fixtures/providers/serikaServer';
import type { JobRecord } from '../../src/core/jobModel';
import type { ImageJobsApi } from '../../src/extension';
import { activateExtension, answering, answeringWarnings, until, waitForJob, workspaceFile } from './support';

const server = new SerikaServer();
const SUBMIT = /\/jobs\/images$/;
const submits = () => server.requests.filter((request) => request.method === 'POST' && SUBMIT.test(request.path));
// one file per test: a file written again may be read as its open document still has it
const promptFiles = [workspaceFile('prompts/cancel-on-its-way.prompt'), workspaceFile('prompts/cancel-on-its-way-scripted.prompt')];
const PROMPT = 'A lighthouse cancelled on its way';

async function configure(values: Record<string, unknown>): Promise<void> {
  const settings = vscode.workspace.getConfiguration('imageJobs');
  for (const [key, value] of Object.entries(values)) await settings.update(`serika.${key}`, value, vscode.ConfigurationTarget.Workspace);
}

describe('Retry of a job cancelled on its way to its provider', () => {
  let generating: Thenable<unknown> = Promise.resolve();

  before(async () => {
    await activateExtension();
    await server.start();
    await configure({ baseUrl: server.baseUrl });
    await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: server.apiKey });
  });

  after(async () => {
    await configure({ baseUrl: undefined });
    await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' });
    await server.stop(); // ends the hung submission: its job stays cancelled
    await generating;
    for (const file of promptFiles) await vscode.workspace.fs.delete(file).then(undefined, () => undefined);
  });

  /** A job of `prompt` (written to `promptFile`) whose submission hangs at Serika, cancelled on its way; returns it. */
  async function cancelledOnItsWay(api: ImageJobsApi, promptFile: vscode.Uri, prompt: string): Promise<JobRecord> {
    const before = submits().length;
    server.inject('POST', SUBMIT, { kind: 'hang' });
    await vscode.workspace.fs.writeFile(
      promptFile,
      Buffer.from(`---\nmodel: serika/flux-schnell\nconfig:\n  width: 64\n  height: 64\n---\n${prompt}\n`),
    );
    const generated = vscode.commands.executeCommand('imageJobs.generate', promptFile);
    generating = Promise.all([generating, generated]);
    await until(() => submits().length === before + 1, 'the submission on its way');
    const job = await until(() => api.listJobs().find((candidate) => candidate.request.prompt === prompt), 'the job');
    // its "Stopped tracking" warning is closed
    await answering(
      () => undefined,
      () => vscode.commands.executeCommand('imageJobs.job.cancel', job.id),
    );
    assert.deepEqual([api.getJob(job.id)!.status, api.getJob(job.id)!.remoteId], ['cancelled', undefined]);
    return job;
  }

  /** Waits for the job that replaced the cancelled one to succeed, then takes its files and row away. */
  async function succeedsAndCleansUp(api: ImageJobsApi, id: string): Promise<void> {
    const done = await waitForJob(api, id, ['succeeded', 'failed']);
    assert.equal(done.status, 'succeeded', done.error?.message);
    for (const asset of done.assets) {
      await vscode.workspace.fs.delete(workspaceFile(asset.path));
      await vscode.workspace.fs.delete(workspaceFile(asset.sidecarPath));
    }
    await vscode.commands.executeCommand('imageJobs.job.remove', done.id);
  }

  it('asks before sending it to Serika again: declined, nothing goes; Send Again sends it', async () => {
    const api = await activateExtension();
    const job = await cancelledOnItsWay(api, promptFiles[0]!, PROMPT);

    const declined = await answeringWarnings(undefined, () =>
      vscode.commands.executeCommand<string | undefined>('imageJobs.job.retry', job.id),
    );
    assert.equal(declined.result, undefined);
    assert.deepEqual(declined.asked, [
      {
        message: `Send the job “${PROMPT}” to Serika again?`,
        options: {
          modal: true,
          detail:
            'Serika may already have it: its request was sent, and it was cancelled before Serika answered. Serika may run and bill ' +
            'it, and cannot tell a second sending from the first, so sending again may make a second job; its dashboard shows what it has.',
        },
        items: [{ title: 'Send Again' }, { title: "Don't Send", isCloseAffordance: true }],
      },
    ]);
    assert.equal(api.getJob(job.id)!.status, 'cancelled', 'declined: the job stays as it was');
    assert.equal(submits().length, 1, 'and nothing was sent');

    const accepted = await answeringWarnings('Send Again', () => vscode.commands.executeCommand<string>('imageJobs.job.retry', job.id));
    assert.equal(accepted.asked.length, 1);
    assert.equal(submits().length, 2, 'sent again');
    assert.equal(api.getJob(job.id), undefined, 'the new job replaces the cancelled one');
    await succeedsAndCleansUp(api, accepted.result);
  });

  it("a script's { jobId, confirmed: true } sends it again without asking; { jobId } alone still asks", async () => {
    const api = await activateExtension();
    const job = await cancelledOnItsWay(api, promptFiles[1]!, `${PROMPT}, by a script`);
    const sent = submits().length;
    const unconfirmed = await answeringWarnings(undefined, () =>
      vscode.commands.executeCommand<string | undefined>('imageJobs.job.retry', { jobId: job.id }),
    );
    assert.equal(unconfirmed.asked.length, 1, '{ jobId } asks as the row does');
    assert.equal(submits().length, sent);

    const confirmed = await answeringWarnings(undefined, () =>
      vscode.commands.executeCommand<string>('imageJobs.job.retry', { jobId: job.id, confirmed: true }),
    );
    assert.deepEqual(confirmed.asked, [], 'confirmed by the caller: no question');
    assert.equal(submits().length, sent + 1, 'sent again');
    assert.equal(api.getJob(job.id), undefined, 'the new job replaces the cancelled one');
    await succeedsAndCleansUp(api, confirmed.result);
  });
});
