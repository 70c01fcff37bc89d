import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ImageJobsApi } from '../../src/extension';
import {
  activateExtension,
  answeringWarnings,
  closeAllEditors,
  waitForJob,
  withSandboxDuration,
  withSetting,
  workspaceFile,
} from './support';

const SWEEP = `---
model: sandbox/landscape
config:
  width: 96
  height: 64
sweep:
  seed: [11, 12]
  place: [a valley, a harbour]
output:
  folder: assets/sweeps
  name: "{{name}}-{{seed}}"
---
A quiet landscape of {{place}} at dawn
`;

async function children(api: ImageJobsApi, element?: string): Promise<string[]> {
  return (await api.jobsTree.getChildren(element)) ?? [];
}

/** What a script passes to Cancel Batch to skip its confirmation: the row's batch id and `confirmed`. */
const confirmedCancel = (row: string) => ({ batchId: row.slice('batch:'.length), confirmed: true });

async function waitUntil(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('Sweeps: a .prompt file’s sweep as one batch in the Jobs view', () => {
  const file = workspaceFile('prompts/sweep-test.prompt');
  const batches = new Set<string>();

  before(async () => {
    await vscode.workspace.fs.writeFile(file, Buffer.from(SWEEP));
  });
  afterEach(closeAllEditors);
  after(async () => {
    // everything the tests made goes: the batches' jobs, their images, the prompt files
    for (const batch of batches)
      await vscode.commands.executeCommand('imageJobs.batch.cancel', confirmedCancel(batch)).then(undefined, () => undefined);
    for (const batch of batches) await vscode.commands.executeCommand('imageJobs.batch.remove', batch);
    for (const path of ['assets/sweeps', 'prompts/sweep-test.prompt', 'prompts/sweep-tams.prompt']) {
      await vscode.workspace.fs.delete(workspaceFile(path), { recursive: true }).then(undefined, () => undefined);
    }
  });

  it('the CodeLens counts the images; Generate records one batch, shown as one row with its jobs in cell order', async () => {
    const api = await activateExtension();
    const document = await vscode.workspace.openTextDocument(file);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', document.uri);
    assert.deepEqual(
      lenses.map((lens) => lens.command?.title),
      ['$(sparkle) Generate 4 images (2 × 2)', 'sandbox/landscape'],
    );

    const ids = await vscode.commands.executeCommand<string[]>('imageJobs.generate', file);
    assert.equal(ids.length, 4);
    const jobs = ids.map((id) => api.getJob(id)!);
    const batchId = jobs[0]!.sweep!.batchId;
    const batch = `batch:${batchId}`;
    batches.add(batch);
    assert.deepEqual(
      jobs.map((job) => [job.sweep!.batchId, job.sweep!.values, job.request.prompt, job.request.params.seed]),
      [
        [batchId, [11, 'a valley'], 'A quiet landscape of a valley at dawn', 11],
        [batchId, [11, 'a harbour'], 'A quiet landscape of a harbour at dawn', 11],
        [batchId, [12, 'a valley'], 'A quiet landscape of a valley at dawn', 12],
        [batchId, [12, 'a harbour'], 'A quiet landscape of a harbour at dawn', 12],
      ],
    );
    const rows = await children(api);
    assert.ok(rows.includes(batch), rows.join(', '));
    assert.ok(!ids.some((id) => rows.includes(id)), 'the cells are not top-level rows');
    assert.deepEqual(await children(api, batch), ids);
    assert.equal(await api.jobsTree.getParent!(ids[2]!), batch);

    const row = await api.jobsTree.getTreeItem(batch);
    assert.match(
      String(row.description),
      /^sweep-test\.prompt · sweep 2 × 2: seed × place · \d\d:\d\d:\d\d$/,
      'its file, what it sweeps, when it started',
    );
    assert.equal(row.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    const cell = await api.jobsTree.getTreeItem(ids[1]!);
    assert.equal(cell.label, 'seed 11 · place a harbour', 'a cell leads with its values: a narrow view cuts the end of a row');
    assert.match(String(cell.description), /· \d+:\d\d/, 'its state and running time come after');

    for (const id of ids) assert.equal((await waitForJob(api, id, ['succeeded', 'failed'])).status, 'succeeded');
    const done = await api.jobsTree.getTreeItem(batch);
    assert.match(String(done.label), /^4 images · \d+:\d\d$/);
    assert.equal(done.contextValue, 'jobBatch batchRemovable');
    assert.equal((done.iconPath as vscode.ThemeIcon).id, 'pass');
    // every image's sidecar says where it sits in the batch
    for (const id of ids) {
      const job = api.getJob(id)!;
      const sidecar = JSON.parse(
        Buffer.from(await vscode.workspace.fs.readFile(workspaceFile(job.assets[0]!.sidecarPath))).toString('utf8'),
      );
      assert.deepEqual(sidecar.sweep, job.sweep);
      assert.deepEqual(sidecar.sweep.keys, ['seed', 'place']);
    }
  });

  it('cancels and retries one cell, which keeps its place; then cancels and retries the whole batch', async () => {
    const api = await activateExtension();
    await withSandboxDuration(30_000, async () => {
      const ids = await vscode.commands.executeCommand<string[]>('imageJobs.generate', file);
      const batch = `batch:${api.getJob(ids[0]!)!.sweep!.batchId}`;
      batches.add(batch);
      assert.match(String((await api.jobsTree.getTreeItem(batch)).contextValue), /\bbatchCancelable\b/);

      // one cell
      await vscode.commands.executeCommand('imageJobs.job.cancel', ids[1]);
      assert.equal(api.getJob(ids[1]!)!.status, 'cancelled');
      assert.ok(
        [ids[0], ids[2], ids[3]].every((id) => api.getJob(id!)!.status !== 'cancelled'),
        'the other cells go on',
      );
      const again = await vscode.commands.executeCommand<string>('imageJobs.job.retry', ids[1]);
      assert.notEqual(again, ids[1]);
      const first = api.getJob(ids[0]!)!.sweep!;
      assert.deepEqual(api.getJob(again)!.sweep, { ...first, values: [11, 'a harbour'], position: [0, 1] });
      await waitUntil(
        async () => (await children(api, batch)).join() === [ids[0], again, ids[2], ids[3]].join(),
        'the retried cell in its place',
      );

      // the whole batch: the row's Cancel Batch asks first, naming the batch and how many; closing the question cancels nothing
      const cells = await children(api, batch);
      const cancelBatch = () => vscode.commands.executeCommand<number>('imageJobs.batch.cancel', batch);
      const declined = await answeringWarnings(undefined, cancelBatch);
      assert.equal(declined.result, 0);
      assert.equal(declined.asked.length, 1, 'one question');
      assert.equal(declined.asked[0]!.message, 'Cancel 4 unfinished image jobs of the sweep sweep-test.prompt (seed × place, 2 × 2)?');
      assert.equal((declined.asked[0]!.options as vscode.MessageOptions).modal, true);
      // its dismiss button says what it does, not a second "Cancel" beside "Cancel Jobs"
      assert.deepEqual(declined.asked[0]!.items, [{ title: 'Cancel Jobs' }, { title: 'Keep Running', isCloseAffordance: true }]);
      assert.ok(
        cells.every((id) => api.getJob(id)!.status !== 'cancelled'),
        'declined: every cell goes on',
      );
      const accepted = await answeringWarnings('Cancel Jobs', cancelBatch);
      assert.equal(accepted.result, 4);
      assert.deepEqual(
        cells.map((id) => api.getJob(id)!.status),
        ['cancelled', 'cancelled', 'cancelled', 'cancelled'],
      );
      await waitUntil(
        async () => /\bbatchRetryable\b/.test(String((await api.jobsTree.getTreeItem(batch)).contextValue)),
        'the retry token',
      );
      const retried = await vscode.commands.executeCommand<string[]>('imageJobs.batch.retry', batch);
      assert.equal(retried.length, 4);
      assert.ok(
        cells.every((id) => api.getJob(id) === undefined),
        'the cancelled cells were replaced',
      );
      await waitUntil(async () => (await children(api, batch)).join() === retried.join(), 'the retried batch in cell order');
      assert.ok(retried.every((id) => api.getJob(id)!.status !== 'cancelled'));
      await vscode.commands.executeCommand('imageJobs.batch.remove', batch);
      assert.ok(
        retried.every((id) => api.getJob(id)),
        'a running batch is not removed',
      );
      // a script confirms with { batchId, confirmed: true }: nothing is asked
      const scripted = await answeringWarnings(undefined, () =>
        vscode.commands.executeCommand<number>('imageJobs.batch.cancel', confirmedCancel(batch)),
      );
      assert.deepEqual([scripted.result, scripted.asked.length], [4, 0]);
      await vscode.commands.executeCommand('imageJobs.batch.remove', batch);
      assert.ok(
        retried.every((id) => api.getJob(id) === undefined),
        'removed once none runs',
      );
      assert.ok(!(await children(api)).includes(batch));
    });
  });

  it('a sweep of more jobs than imageJobs.sweep.confirmAbove asks first, saying from how many; closing it records nothing', async () => {
    const api = await activateExtension();
    const before = api.listJobs().length;
    const declined = await withSetting('sweep.confirmAbove', 3, () =>
      answeringWarnings(undefined, () => vscode.commands.executeCommand('imageJobs.generate', file)),
    );
    assert.equal(declined.result, undefined);
    assert.equal(api.listJobs().length, before, 'nothing recorded');
    assert.equal(declined.asked.length, 1, 'one question');
    assert.deepEqual(declined.asked[0]!.options, {
      modal: true,
      detail: 'Asked when a sweep makes more than 3 jobs (imageJobs.sweep.confirmAbove).',
    });
  });

  it('a value the provider would refuse is a diagnostic on that value, and nothing is submitted', async () => {
    const api = await activateExtension();
    const tams = workspaceFile('prompts/sweep-tams.prompt');
    const source = '---\nmodel: tams/600423083519508503\nsweep:\n  steps: [20, 60]\n---\nA castle\n';
    await vscode.workspace.fs.writeFile(tams, Buffer.from(source));
    const document = await vscode.workspace.openTextDocument(tams);
    await waitUntil(() => vscode.languages.getDiagnostics(tams).some((d) => d.message.startsWith('TAMS: steps')), 'the diagnostic');
    const diagnostic = vscode.languages.getDiagnostics(tams).find((d) => d.message.startsWith('TAMS: steps'))!;
    assert.equal(diagnostic.message, 'TAMS: steps must be 10–50 (got 60)');
    assert.equal(document.getText(diagnostic.range), '60');
    const before = api.listJobs().length;
    assert.equal(await vscode.commands.executeCommand('imageJobs.generate', tams), undefined);
    assert.equal(api.listJobs().length, before);
  });
});
