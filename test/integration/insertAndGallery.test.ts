import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ImageJobsApi } from '../../src/extension';
import { activateExtension, closeAllEditors, waitForJob, workspaceFile } from './support';

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((group) => group.tabs);
}

/** The tab model reaches the extension host a moment after the panel is created. */
async function galleryTab(timeoutMs = 10_000): Promise<vscode.Tab | undefined> {
  const find = () =>
    allTabs().find((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('imageJobs.gallery'));
  if (find()) return find();
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(undefined), timeoutMs);
    const subscription = vscode.window.tabGroups.onDidChangeTabs(() => find() && done(find()));
    const done = (tab: vscode.Tab | undefined) => {
      clearTimeout(timer);
      subscription.dispose();
      resolve(tab);
    };
  });
}

async function finishedJob(api: ImageJobsApi, prompt: string) {
  const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt });
  return waitForJob(api, id, ['succeeded']);
}

describe('Inserting results and the gallery', () => {
  afterEach(closeAllEditors);

  it('inserts a Markdown image with a path relative to the document, at the cursor', async () => {
    const api = await activateExtension();
    const job = await finishedJob(api, 'an owl [reading] a book');
    const editor = await vscode.window.showTextDocument(workspaceFile('docs/notes.md'));
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    const inserted = await vscode.commands.executeCommand<string>('imageJobs.insertAsset', { jobId: job.id });
    const expected = `![an owl \\[reading\\] a book](../${job.assets[0]!.path})`;
    assert.equal(inserted, expected);
    assert.equal(editor.document.lineAt(3).text, expected);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('inserts <img> in HTML and the plain path elsewhere', async () => {
    const api = await activateExtension();
    const job = await finishedJob(api, 'a "quoted" <tag> prompt');
    const html = await vscode.window.showTextDocument(workspaceFile('docs/page.html'));
    html.selection = new vscode.Selection(3, 0, 3, 0);
    await vscode.commands.executeCommand('imageJobs.insertAsset', { jobId: job.id });
    assert.equal(html.document.lineAt(3).text, `<img src="../${job.assets[0]!.path}" alt="a &quot;quoted&quot; &lt;tag&gt; prompt">`);
    await vscode.commands.executeCommand('workbench.action.files.revert');

    const text = await vscode.window.showTextDocument(workspaceFile('docs/ideas.txt'));
    text.selection = new vscode.Selection(1, 0, 1, 0);
    await vscode.commands.executeCommand('imageJobs.insertAsset', { jobId: job.id });
    assert.equal(text.document.lineAt(1).text, `../${job.assets[0]!.path}`);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('opens the gallery as a webview panel', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('imageJobs.openGallery');
    assert.equal(api.gallery.isOpen, true);
    const gallery = await galleryTab();
    assert.ok(
      gallery,
      `a gallery tab among ${allTabs()
        .map((tab) => tab.label)
        .join(', ')}`,
    );
    assert.equal(gallery.label, 'Image Jobs Gallery');
  });
});
