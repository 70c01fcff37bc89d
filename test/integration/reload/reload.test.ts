// Runs twice in one window (scripts/run-vscode-tests.mjs --reload): the first time it makes jobs (one
// finished, three still running, two of them from a sweep of selected files) and reloads the window
// for real; the reload runs the suite again, which finds every job as it was recorded, with its
// provider id, and sees the unfinished ones resume and finish. A file in the workspace carries what
// the first run made across the reload.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { JobRecord } from '../../../src/core/jobModel';
import { activateExtension, waitForJob, workspaceFile } from '../support';

interface BeforeReload {
  readonly finished: JobRecord;
  readonly unfinished: JobRecord[];
  /** The workspace's own Sandbox job length, put back at the end. */
  readonly duration: number | undefined;
}

const marker = () => workspaceFile('.reload-test.json').fsPath;
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
      fs.writeFileSync(marker(), JSON.stringify({ finished, unfinished, duration } satisfies BeforeReload));
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
      await new Promise(() => undefined);
    }
    // after the reload
    this.timeout(60_000);
    const before = JSON.parse(fs.readFileSync(marker(), 'utf8')) as BeforeReload;
    fs.rmSync(marker());
    try {
      const finished = api.getJob(before.finished.id);
      assert.equal(finished?.status, 'succeeded');
      assert.deepEqual(finished?.assets, before.finished.assets);
      for (const job of before.unfinished) {
        const reloaded = api.getJob(job.id);
        assert.equal(reloaded?.remoteId, job.remoteId, `${job.id} came back with its provider id`);
        assert.deepEqual(reloaded?.request, job.request);
        const done = await waitForJob(api, job.id, ['succeeded', 'failed', 'expired'], 30_000);
        assert.equal(done.status, 'succeeded', done.error?.message);
        for (const asset of done.assets) await vscode.workspace.fs.stat(workspaceFile(asset.path));
      }
    } finally {
      await setJobDuration(before.duration);
    }
  });
});
