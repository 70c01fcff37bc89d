// Runs twice in one window (scripts/run-vscode-tests.mjs --reload): the first time it makes jobs (one
// finished, three still running, two of them from a sweep of selected files) and reloads the window
// for real; the reload runs the suite again, which finds every job as it was recorded, with its
// provider id, and sees the unfinished ones resume and finish. A file in the workspace carries what
// the first run made across the reload. It also leaves a job in a suffixed storage folder, as an
// earlier version did in a second window (VS Code gives a second extension host `<id>-1`): the
// reloaded window lists it (sharedJobsFolder.ts). And it leaves two Serika jobs waiting for a 429's
// Retry-After, one refused and one never sent: after the reload both are sent, once, and finish,
// neither called "maybe received".
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sendWaitOf, type JobRecord } from '../../../src/core/jobModel';
import type { ImageJobsApi } from '../../../src/extension';
import { SerikaServer } from '../../fixtures/providers/serikaServer';
import { activateExtension, waitForJob, workspaceFile } from '../support';

interface BeforeReload {
  readonly finished: JobRecord;
  /** A job recorded in a suffixed storage folder's journal, and that journal. */
  readonly otherWindow: { readonly job: JobRecord; readonly journal: string };
  readonly unfinished: JobRecord[];
  /** The workspace's own Sandbox job length, put back at the end. */
  readonly duration: number | undefined;
  readonly rateLimited: HeldBySerika;
}

/** Serika jobs waiting, unsent, for a 429's Retry-After when the window reloads, and where Serika was. */
interface HeldBySerika {
  readonly port: number;
  /** Its request was refused with 429. */
  readonly refused: string;
  /** Submitted during the pause that followed: never sent. */
  readonly held: string;
}

const SERIKA_SUBMIT = /\/jobs\/images$/;
const serikaPrompt = () => workspaceFile('prompts/reload-rate-limited.prompt');
const serikaSubmits = (server: SerikaServer) =>
  server.requests.filter((request) => request.method === 'POST' && SERIKA_SUBMIT.test(request.path));

/** Resolves with the first job not in `known` that is waiting to be sent. */
async function waitingJob(api: ImageJobsApi, known: ReadonlySet<string>): Promise<JobRecord> {
  const end = Date.now() + 10_000;
  for (;;) {
    const job = api.listJobs().find((candidate) => !known.has(candidate.id) && sendWaitOf(candidate));
    if (job) return job;
    if (Date.now() > end) throw new Error('no job waiting to be sent');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Before the reload: Serika refuses a job with 429 and a Retry-After of 20 s (under the minute a job
 * waits), and a second job, made meanwhile, waits for the same pause. Neither is sent before the window goes.
 */
async function holdSerikaJobs(api: ImageJobsApi): Promise<HeldBySerika> {
  const server = new SerikaServer();
  await server.start();
  await vscode.workspace.getConfiguration('imageJobs').update('serika.baseUrl', server.baseUrl, vscode.ConfigurationTarget.Workspace);
  await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: server.apiKey });
  await vscode.workspace.fs.writeFile(
    serikaPrompt(),
    Buffer.from('---\nmodel: serika/flux-schnell\nconfig:\n  width: 64\n  height: 64\n---\nA lighthouse across a reload\n'),
  );
  server.inject('POST', SERIKA_SUBMIT, {
    kind: 'status',
    status: 429,
    headers: { 'retry-after': '20' },
    body: '{"error":{"message":"Rate limit reached"}}',
  });
  const known = new Set(api.listJobs().map((job) => job.id));
  // Generate resolves once the job is sent: not before the reload
  void vscode.commands.executeCommand('imageJobs.generate', serikaPrompt());
  const refused = await waitingJob(api, known);
  void vscode.commands.executeCommand('imageJobs.generate', serikaPrompt());
  const held = await waitingJob(api, new Set([...known, refused.id]));
  assert.equal(serikaSubmits(server).length, 1, 'only the refused request reached Serika');
  return { port: Number(new URL(server.url).port), refused: refused.id, held: held.id };
}

/** After the reload: Serika, back on its port (at once: the jobs go when their wait ends), receives each job once, and both finish. */
async function checkSerikaJobs(api: ImageJobsApi, before: HeldBySerika, server: SerikaServer): Promise<void> {
  try {
    for (const id of [before.refused, before.held]) {
      const done = await waitForJob(api, id, ['succeeded', 'failed', 'cancelled', 'expired'], 45_000);
      assert.equal(done.status, 'succeeded', `${id}: ${done.error?.message}`);
      assert.equal(done.waitingToSend, undefined);
    }
    assert.equal(serikaSubmits(server).length, 2, 'each sent once, after the reload');
  } finally {
    await server.stop();
    await vscode.workspace.getConfiguration('imageJobs').update('serika.baseUrl', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' });
    await vscode.workspace.fs.delete(serikaPrompt());
  }
}

const marker = () => workspaceFile('.reload-test.json').fsPath;
const EXTENSION_FOLDER = 'image-jobs.image-jobs';

/**
 * Writes `job` into the journal of the suffixed folder beside this workspace's storage folder (the one
 * whose journal holds `recorded`), as a window of an earlier version given `<id>-1` did; returns that journal.
 */
function recordInSuffixedFolder(recorded: JobRecord, job: JobRecord): string {
  const root = path.join(process.env.IMAGE_JOBS_TEST_USER_DATA!, 'User', 'workspaceStorage');
  const journalOf = (folder: string) => path.join(root, folder, EXTENSION_FOLDER, 'jobs.jsonl');
  const own = fs
    .readdirSync(root)
    .find((folder) => fs.existsSync(journalOf(folder)) && fs.readFileSync(journalOf(folder), 'utf8').includes(recorded.id));
  assert.ok(own, `a journal in ${root} holds ${recorded.id}`);
  const journal = journalOf(`${own}-1`);
  fs.mkdirSync(path.dirname(journal), { recursive: true });
  fs.appendFileSync(journal, `${JSON.stringify({ job })}\n`);
  return journal;
}
const LONG_JOB_MS = 8000;

async function setJobDuration(ms: number | undefined): Promise<void> {
  await vscode.workspace.getConfiguration('imageJobs').update('sandbox.jobDurationMs', ms, vscode.ConfigurationTarget.Workspace);
}

describe('A window reload', () => {
  it('keeps every job with its provider id, and the unfinished ones resume and finish', async function () {
    const api = await activateExtension();
    if (!fs.existsSync(marker())) {
      // the first run: make the jobs, then reload for real; this run ends with the window
      const finishedId = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'finished before the reload' });
      const finished = await waitForJob(api, finishedId, ['succeeded']);
      const otherJob: JobRecord = { ...finished, id: `other-window-${Date.now()}`, idempotencyKey: `other-window-${Date.now()}` };
      const otherWindow = { job: otherJob, journal: recordInSuffixedFolder(finished, otherJob) };
      const duration = vscode.workspace.getConfiguration('imageJobs').inspect<number>('sandbox.jobDurationMs')?.workspaceValue;
      await setJobDuration(LONG_JOB_MS);
      const typed = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'running across the reload' });
      const swept = await vscode.commands.executeCommand<string[]>('imageJobs.generate', workspaceFile('prompts/lighthouse.prompt'), [
        workspaceFile('prompts/lighthouse.prompt'),
        workspaceFile('prompts/pair.prompt'),
      ]);
      const unfinished = [typed, ...swept].map((id) => api.getJob(id)!);
      assert.equal(unfinished.length, 3);
      for (const job of unfinished) {
        assert.ok(job.remoteId, `${job.id} has its provider id when Generate returns`);
        assert.ok(['queued', 'running'].includes(job.status), `${job.id} is ${job.status}`);
      }
      // last, so the reload comes well within their Retry-After
      const rateLimited = await holdSerikaJobs(api);
      fs.writeFileSync(marker(), JSON.stringify({ finished, otherWindow, unfinished, duration, rateLimited } satisfies BeforeReload));
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
      await new Promise(() => undefined);
    }
    // after the reload
    this.timeout(90_000);
    const before = JSON.parse(fs.readFileSync(marker(), 'utf8')) as BeforeReload;
    fs.rmSync(marker());
    const serika = new SerikaServer();
    await serika.start(before.rateLimited.port);
    try {
      const finished = api.getJob(before.finished.id);
      assert.equal(finished?.status, 'succeeded');
      assert.deepEqual(finished?.assets, before.finished.assets);
      const other = api.getJob(before.otherWindow.job.id);
      assert.equal(other?.status, 'succeeded', "the job in the suffixed folder's journal is listed after the reload");
      assert.equal(fs.statSync(before.otherWindow.journal).size, 0, 'and that journal was emptied into the shared one');
      for (const job of before.unfinished) {
        const reloaded = api.getJob(job.id);
        assert.equal(reloaded?.remoteId, job.remoteId, `${job.id} came back with its provider id`);
        assert.deepEqual(reloaded?.request, job.request);
        const done = await waitForJob(api, job.id, ['succeeded', 'failed', 'expired'], 30_000);
        assert.equal(done.status, 'succeeded', done.error?.message);
        for (const asset of done.assets) await vscode.workspace.fs.stat(workspaceFile(asset.path));
      }
      await checkSerikaJobs(api, before.rateLimited, serika);
    } finally {
      await setJobDuration(before.duration);
      // what the test made in the suffixed folder; the folder itself may be VS Code's (a window's)
      fs.rmSync(before.otherWindow.journal, { force: true });
      for (const folder of [path.dirname(before.otherWindow.journal), path.dirname(path.dirname(before.otherWindow.journal))])
        if (fs.existsSync(folder) && fs.readdirSync(folder).length === 0) fs.rmdirSync(folder);
    }
  });
});
