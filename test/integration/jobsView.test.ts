import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ImageJobsApi } from '../../src/extension';
import {
  activateExtension,
  answering,
  answeringWarnings,
  messagesOf,
  closeAllEditors,
  EXTENSION_ID,
  waitForJob,
  withSandboxDuration,
  workspaceFile,
} from './support';

async function treeItem(api: ImageJobsApi, id: string): Promise<vscode.TreeItem> {
  const children = (await api.jobsTree.getChildren()) ?? [];
  assert.ok(children.includes(id), `job ${id} is in the tree`);
  return api.jobsTree.getTreeItem(id);
}

/** The row's hover, as VS Code asks for it when the row is hovered. */
async function hover(api: ImageJobsApi, id: string): Promise<vscode.MarkdownString> {
  const item = await treeItem(api, id);
  assert.equal(item.tooltip, undefined, 'the hover is built on hover, not with the row');
  const resolved = await api.jobsTree.resolveTreeItem!(item, id, new vscode.CancellationTokenSource().token);
  return resolved!.tooltip as vscode.MarkdownString;
}

function iconId(item: vscode.TreeItem): string {
  return (item.iconPath as vscode.ThemeIcon).id;
}

describe('Jobs view and job actions', () => {
  afterEach(closeAllEditors);

  it('shows each job with status icon, description and context tokens as it progresses', async () => {
    const api = await activateExtension();
    await withSandboxDuration(2500, async () => {
      const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'a tree view test: red barn in snow' });
      const queued = await treeItem(api, id);
      assert.equal(queued.id, id);
      // the state first, so it survives a narrow sidebar; the prompt after it (the Sandbox may start at once)
      const started = api.getJob(id)!.status === 'running';
      assert.match(String(queued.label), started ? /^running( \d+%)? · 0:0\d$/ : /^queued #\d+ · 0:0\d$/);
      assert.equal(queued.description, 'a tree view test: red barn in snow');
      assert.equal(iconId(queued), started ? 'sync~spin' : 'clock');
      assert.match(String(queued.contextValue), /\bcancelable\b/);
      // the engine polls at the Sandbox's ETA, skipping the running phase: ask for a look mid-job
      await new Promise((resolve) => setTimeout(resolve, 1200));
      await vscode.commands.executeCommand('imageJobs.refreshJobs');
      await waitForJob(api, id, ['running']);
      const running = await treeItem(api, id);
      assert.equal(iconId(running), 'sync~spin');
      assert.match(String(running.label), /^running( \d+%)? · 0:0\d$/);
      const done = await waitForJob(api, id, ['succeeded']);
      const item = await treeItem(api, id);
      assert.equal(iconId(item), 'pass');
      assert.match(String(item.label), /^1 image · 0:0\d$/);
      assert.deepEqual(String(item.contextValue).split(' '), [
        'job',
        'status-succeeded',
        'hasResult',
        'removable',
        'finished',
        'reseedable',
      ]);
      assert.deepEqual(item.command?.arguments, [id]);
      const tooltip = await hover(api, id);
      assert.match(tooltip.value, new RegExp(done.remoteId!));
      // a thumbnail of the saved image, by its local URI; no HTML, no trusted commands needed
      const thumbnail = `![first image](${workspaceFile(done.assets[0]!.path).toString()}|width=`;
      assert.ok(tooltip.value.startsWith(thumbnail), tooltip.value);
      assert.ok(!tooltip.supportHtml && !tooltip.isTrusted);
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
    assert.match(String(item.label), /^failed · \d+:\d\d$/);
    assert.match((await hover(api, id)).value, /always fails/, 'the reason is in the tooltip');
    const retried = await vscode.commands.executeCommand<string>('imageJobs.job.retry', id);
    assert.notEqual(retried, id);
    assert.equal(api.getJob(retried)!.request.model, 'broken');
    // the new job takes the failed one's place: one row, not two
    assert.equal(api.getJob(id), undefined);
    const rows = (await api.jobsTree.getChildren()) ?? [];
    assert.ok(rows.includes(retried) && !rows.includes(id));
    await waitForJob(api, retried, ['failed']);
  });

  it('copies the provider job id, opens the result, and removes the job', async () => {
    const api = await activateExtension();
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'copy open remove' });
    const job = await waitForJob(api, id, ['succeeded']);
    const { result: copied, shown } = await answering(
      () => undefined,
      () => vscode.commands.executeCommand<string>('imageJobs.job.copyId', id),
    );
    assert.equal(copied, job.remoteId);
    assert.deepEqual(shown, [{ kind: 'statusBar', message: `Copied the Sandbox (offline) job id ${job.remoteId}` }], 'says whose id it is');
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

  it('runs a finished job again, and again with a new seed shown in the new job', async () => {
    const api = await activateExtension();
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'run me again' });
    const done = await waitForJob(api, id, ['succeeded']);
    const again = await vscode.commands.executeCommand<string>('imageJobs.job.runAgain', id);
    assert.ok(again && again !== id);
    assert.deepEqual(api.getJob(again)!.request, done.request);
    assert.ok(api.getJob(id), 'running again keeps the finished job');
    const reseeded = await vscode.commands.executeCommand<string>('imageJobs.job.runWithNewSeed', id);
    const seed = api.getJob(reseeded)!.request.params.seed;
    assert.ok(Number.isInteger(seed) && seed !== done.request.params.seed, `a new seed (${seed})`);
    assert.deepEqual(api.getJob(reseeded)!.request, { ...done.request, params: { ...done.request.params, seed } });
    assert.match((await hover(api, reseeded)).value, new RegExp(`seed ${seed}`));
    const finished = await waitForJob(api, reseeded, ['succeeded']);
    assert.equal(finished.assets[0]!.seed, seed, 'the Sandbox used it');
    await waitForJob(api, again, ['succeeded']);
  });

  it('groups jobs by prompt file and back, remembering the choice', async () => {
    const api = await activateExtension();
    const fromFile = await vscode.commands.executeCommand<string>('imageJobs.generate', workspaceFile('prompts/failing.prompt'));
    const typed = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'grouped with the typed ones' });
    await vscode.commands.executeCommand('imageJobs.jobs.groupByPromptFile');
    try {
      const groups = (await api.jobsTree.getChildren()) ?? [];
      const fileGroup = `group:file:${workspaceFile('prompts/failing.prompt').toString()}`;
      assert.ok(groups.includes(fileGroup) && groups.includes('group:other'), groups.join(', '));
      assert.ok(
        groups.every((group) => group.startsWith('group:')),
        'only groups at the top',
      );
      assert.ok(((await api.jobsTree.getChildren(fileGroup)) ?? []).includes(fromFile));
      assert.ok(((await api.jobsTree.getChildren('group:other')) ?? []).includes(typed));
      assert.equal(await api.jobsTree.getParent!(fromFile), fileGroup);
      const header = await api.jobsTree.getTreeItem(fileGroup);
      assert.equal(header.label, 'failing.prompt');
      assert.match(String(header.description), /^\d+ jobs?( · \d+ active)?$/);
      assert.equal(header.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    } finally {
      await vscode.commands.executeCommand('imageJobs.jobs.showAsList');
    }
    const rows = (await api.jobsTree.getChildren()) ?? [];
    assert.ok(rows.includes(fromFile) && rows.includes(typed), 'a flat list again');
  });

  it('Delete removes the focused finished job; a running one is kept until cancelled', async () => {
    const api = await activateExtension();
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'delete me with the key' });
    await waitForJob(api, id, ['succeeded']);
    const { keybindings } = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes as {
      keybindings: { command: string; key: string; when: string }[];
    };
    const keybinding = keybindings.find((binding) => binding.command === 'imageJobs.job.remove');
    assert.equal(keybinding?.key, 'delete');
    assert.equal(keybinding?.when, 'focusedView == imageJobs.jobs && !inputFocus');
    // what the key binding runs: the focused row's command, as the context menu's Remove
    await vscode.commands.executeCommand('imageJobs.job.remove', id);
    assert.equal(api.getJob(id), undefined);
    await withSandboxDuration(20_000, async () => {
      const running = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'still running' });
      await vscode.commands.executeCommand('imageJobs.job.remove', running);
      assert.ok(api.getJob(running), 'not removed while running');
      await vscode.commands.executeCommand('imageJobs.job.cancel', running);
    });
  });
  it('Delete on an unfinished job offers Cancel Job, which cancels it', async () => {
    const api = await activateExtension();
    await withSandboxDuration(20_000, async () => {
      const queued = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'delete me while I run' });
      const { shown } = await answering(
        (entry) => (entry.kind === 'info' ? 'Cancel Job' : undefined),
        async () => {
          await vscode.commands.executeCommand('imageJobs.job.remove', queued);
          return waitForJob(api, queued, ['cancelled'], 5000);
        },
      );
      const [asked, ...more] = messagesOf(shown, 'info');
      assert.match(asked!.message, /^The job is still (queued|running): cancel it before removing it\.$/);
      assert.deepEqual([asked!.buttons, more], [['Cancel Job'], []]);
      assert.equal(api.getJob(queued)!.status, 'cancelled', 'Cancel Job cancelled it; Delete again removes it');
    });
  });

  it('Cancel All Unfinished Jobs cancels every unfinished job (a script confirms with { confirmed: true }) and no finished one', async () => {
    const api = await activateExtension();
    const finished = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'cancel all: finished before' });
    await waitForJob(api, finished, ['succeeded']);
    await withSandboxDuration(60_000, async () => {
      const ids = await Promise.all(
        [1, 2, 3].map((n) => vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: `cancel all: long job ${n}` })),
      );
      // the palette's Cancel All asks first; its dismiss button is "Keep Running", not a second "Cancel"
      const declined = await answeringWarnings(undefined, () => vscode.commands.executeCommand<number>('imageJobs.cancelAllJobs'));
      assert.equal(declined.result, 0);
      assert.match(declined.asked[0]!.message, /^Cancel \d+ unfinished image jobs\?$/);
      assert.deepEqual(declined.asked[0]!.items, [{ title: 'Cancel Jobs' }, { title: 'Keep Running', isCloseAffordance: true }]);
      for (const id of ids) assert.notEqual(api.getJob(id)?.status, 'cancelled', 'declined: nothing is cancelled');
      const cancelled = await vscode.commands.executeCommand<number>('imageJobs.cancelAllJobs', { confirmed: true });
      assert.ok(cancelled >= 3, `cancelled ${cancelled}`);
      for (const id of ids) assert.equal((await waitForJob(api, id, ['cancelled'])).status, 'cancelled');
      assert.equal(api.getJob(finished)?.status, 'succeeded', 'a finished job is left alone');
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('imageJobs.cancelAllJobs', 'yes')),
        /nothing or \{ confirmed \}/,
        'an argument it cannot read is refused, not taken as a yes',
      );
    });
  });

  it('Clear Finished Jobs asks before clearing many, keeps failed jobs with their Retry, and leaves the images on disk', async () => {
    const api = await activateExtension();
    const failedId = await vscode.commands.executeCommand<string>('imageJobs.generate', workspaceFile('prompts/failing.prompt'));
    const ids = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((n) => vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: `clear finished: job ${n}` })),
    );
    const done = await Promise.all(ids.map((id) => waitForJob(api, id, ['succeeded'])));
    await waitForJob(api, failedId, ['failed']);
    const clear = () => vscode.commands.executeCommand<number>('imageJobs.clearFinishedJobs');

    // more than five would go: a modal question naming how many, saying the files stay; closing it clears nothing
    const declined = await answeringWarnings(undefined, clear);
    assert.equal(declined.result, 0);
    assert.equal(declined.asked.length, 1, 'one question');
    assert.match(declined.asked[0]!.message, /^Clear \d+ finished jobs from the list\?$/);
    const options = declined.asked[0]!.options as vscode.MessageOptions;
    assert.equal(options.modal, true);
    assert.match(String(options.detail), /stay on disk/);
    assert.match(String(options.detail), /failed jobs? stays? so you can retry/);
    assert.ok(
      ids.every((id) => api.getJob(id)),
      'declined: every job stays',
    );

    const accepted = await answeringWarnings('Clear Jobs', clear);
    assert.ok(accepted.result >= 6, `cleared ${accepted.result}`);
    assert.ok(
      ids.every((id) => api.getJob(id) === undefined),
      'the succeeded jobs are cleared',
    );
    assert.equal(api.getJob(failedId)?.status, 'failed', 'the failed job stays');
    assert.match(String((await treeItem(api, failedId)).contextValue), /\bretryable\b/, 'with its Retry');
    for (const job of done) {
      for (const asset of job.assets) await vscode.workspace.fs.stat(workspaceFile(asset.path)); // throws if gone
    }

    // nothing left to clear but the failed job: nothing is asked, nothing goes
    const again = await answeringWarnings(undefined, clear);
    assert.deepEqual([again.result, again.asked.length], [0, 0]);
    assert.ok(api.getJob(failedId));
    // a script confirms with { confirmed: true }
    const scripted = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt: 'clear finished: scripted' });
    await waitForJob(api, scripted, ['succeeded']);
    assert.ok((await vscode.commands.executeCommand<number>('imageJobs.clearFinishedJobs', { confirmed: true })) >= 1);
    assert.equal(api.getJob(scripted), undefined);
    await vscode.commands.executeCommand('imageJobs.job.remove', failedId);
  });
});
