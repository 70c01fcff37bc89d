import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ImageJobsApi } from '../../src/extension';
import { encodePngRgb } from '../../src/core/results/png';
import { activateExtension, answeringWarnings, closeAllEditors, waitForJob, workspaceFile } from './support';

/** A tiny PNG (1×1) with an Image Jobs sidecar, written straight to disk: no job record anywhere. */
async function writeImageWithoutJob(name: string, prompt: string): Promise<{ image: vscode.Uri; sidecar: vscode.Uri; path: string }> {
  const path = `assets/generated/${name}.png`;
  const png = encodePngRgb(1, 1, new Uint8Array([200, 120, 40]));
  const sidecarBody = {
    generator: 'image-jobs',
    version: 1,
    file: `${name}.png`,
    prompt,
    model: 'sandbox/test',
    seed: 3,
    width: 1,
    height: 1,
  };
  const image = workspaceFile(path);
  const sidecar = workspaceFile(`assets/generated/${name}.json`);
  await vscode.workspace.fs.writeFile(image, png);
  await vscode.workspace.fs.writeFile(sidecar, Buffer.from(JSON.stringify({ ...sidecarBody, completedAt: new Date().toISOString() })));
  return { image, sidecar, path };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}

/** Waits until the gallery panel lists (or no longer lists) `path`. */
async function waitForListing(api: ImageJobsApi, path: string, listed: boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (api.gallery.listed().includes(path) !== listed) {
    if (Date.now() > end)
      throw new Error(`the gallery ${listed ? 'never listed' : 'still lists'} ${path}; it lists ${api.gallery.listed().join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

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

const NOTES = '# Notes\n\nInsert here:\n\nThe end.\n';

/**
 * docs/notes.md back to its text, saved: by an edit, not Revert, whose effect may reach the extension
 * host only after the next test has opened the file (and inserted into the unreverted text).
 */
async function restoreNotes(document: vscode.TextDocument): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), NOTES);
  await vscode.workspace.applyEdit(edit);
  await document.save();
}

async function finishedJob(api: ImageJobsApi, prompt: string) {
  const id = await vscode.commands.executeCommand<string>('imageJobs.generate', { prompt });
  return waitForJob(api, id, ['succeeded']);
}

describe('Inserting results and the gallery', () => {
  afterEach(closeAllEditors);

  it('inserts a Markdown image with a path relative to the document, at the cursor, as its own paragraph', async () => {
    const api = await activateExtension();
    const job = await finishedJob(api, 'an owl [reading] a book');
    const editor = await vscode.window.showTextDocument(workspaceFile('docs/notes.md'));
    const original = editor.document.getText();
    assert.equal(original, NOTES);
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    const inserted = await vscode.commands.executeCommand<string>('imageJobs.insertAsset', { jobId: job.id });
    const expected = `![an owl \\[reading\\] a book](../${job.assets[0]!.path})`;
    assert.equal(inserted, expected);
    // the empty line under "Insert here:" would make the image part of that paragraph: blank lines around it
    assert.equal(editor.document.getText(), `# Notes\n\nInsert here:\n\n${expected}\n\nThe end.\n`);
    // back to the file's text (an edit, not Revert: the host may see a revert after the next insert)
    const putBack = () =>
      editor.edit((edit) => edit.replace(new vscode.Range(0, 0, editor.document.lineCount, 0), original)).then(() => undefined);
    await putBack();

    // column 1 of the heading, and right after it (the gallery's Insert names the file: the same edit)
    editor.selection = new vscode.Selection(0, 0, 0, 0);
    await vscode.commands.executeCommand<string>('imageJobs.insertAsset', { path: job.assets[0]!.path });
    assert.equal(editor.document.getText(), `${expected}\n\n${original}`);
    await putBack();
    editor.selection = new vscode.Selection(0, 7, 0, 7);
    await vscode.commands.executeCommand<string>('imageJobs.insertAsset', { jobId: job.id });
    assert.equal(editor.document.getText(), `# Notes\n\n${expected}\n\nInsert here:\n\nThe end.\n`);
    await restoreNotes(editor.document);
  });

  it('keeps the selection and never splits a paragraph: the image follows it, the cursor after the image', async () => {
    const api = await activateExtension();
    const job = await finishedJob(api, 'a lighthouse in a storm');
    const editor = await vscode.window.showTextDocument(workspaceFile('docs/notes.md'));
    assert.equal(editor.document.getText(), NOTES);
    const expected = `![a lighthouse in a storm](../${job.assets[0]!.path})`;
    const withImage = `# Notes\n\nInsert here:\n\n${expected}\n\nThe end.\n`;
    /** The image ends on line 4; the cursor is just after it, with nothing selected. */
    const assertCursorAfterImage = () => {
      assert.ok(editor.selection.isEmpty, 'nothing is selected');
      assert.deepEqual([editor.selection.active.line, editor.selection.active.character], [4, expected.length]);
    };
    // the text a job was made from (Generate Image from Selection), selected: kept, the image after it
    editor.selection = new vscode.Selection(2, 0, 2, 12);
    await vscode.commands.executeCommand<string>('imageJobs.insertAsset', { jobId: job.id });
    assert.equal(editor.document.getText(), withImage);
    assertCursorAfterImage();
    await restoreNotes(editor.document);

    // the cursor inside a word: the paragraph stays whole, the image goes after it
    editor.selection = new vscode.Selection(2, 4, 2, 4);
    await vscode.commands.executeCommand<string>('imageJobs.insertAsset', { path: job.assets[0]!.path });
    assert.equal(editor.document.getText(), withImage);
    assertCursorAfterImage();
    await restoreNotes(editor.document);
  });

  it('never inserts into a .prompt file: the last other editor gets the image, else the path is copied', async () => {
    const api = await activateExtension();
    const job = await finishedJob(api, 'a fox at night');
    // (kept open: a preview tab would be replaced by the next file, and a closed editor gets nothing)
    const notes = await vscode.window.showTextDocument(workspaceFile('docs/notes.md'), { preview: false });
    assert.equal(notes.document.getText(), NOTES);
    notes.selection = new vscode.Selection(3, 0, 3, 0);
    // the .prompt file that made the image is the active editor when its "Image ready" toast comes
    const prompt = await vscode.window.showTextDocument(workspaceFile('prompts/lighthouse.prompt'));
    const promptText = prompt.document.getText();
    const inserted = await vscode.commands.executeCommand<string>('imageJobs.insertAsset', { jobId: job.id });
    assert.equal(inserted, `![a fox at night](../${job.assets[0]!.path})`);
    assert.equal(prompt.document.getText(), promptText, 'the prompt file is untouched');
    assert.equal(prompt.document.isDirty, false);
    assert.equal(vscode.window.activeTextEditor?.document.uri.toString(), notes.document.uri.toString(), 'the notes are shown');
    assert.equal(vscode.window.activeTextEditor!.document.getText(), `# Notes\n\nInsert here:\n\n${inserted}\n\nThe end.\n`);
    await restoreNotes(notes.document);

    // the notes closed, the .prompt file the only editor: the path is copied, nothing inserted
    await closeAllEditors();
    const alone = await vscode.window.showTextDocument(workspaceFile('prompts/lighthouse.prompt'));
    const copied = await vscode.commands.executeCommand<string | undefined>('imageJobs.insertAsset', { jobId: job.id });
    assert.equal(copied, undefined);
    assert.equal(alone.document.getText(), promptText, 'the prompt file is untouched');
    assert.equal(await vscode.env.clipboard.readText(), job.assets[0]!.path);
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

  it('lists an image on disk that has no job record, and keeps listing images after clearing history', async () => {
    const api = await activateExtension();
    const file = await writeImageWithoutJob('no-job-record', 'a file no job knows');
    assert.equal(
      api.listJobs().some((job) => job.assets.some((asset) => asset.path === file.path)),
      false,
    );
    await vscode.commands.executeCommand('imageJobs.openGallery');
    await waitForListing(api, file.path, true);

    const job = await finishedJob(api, 'a job whose history is cleared');
    const saved = job.assets[0]!.path;
    await waitForListing(api, saved, true);
    await vscode.commands.executeCommand('imageJobs.clearFinishedJobs', { confirmed: true });
    assert.equal(api.getJob(job.id), undefined, 'the history is cleared');
    await new Promise((resolve) => setTimeout(resolve, 500)); // past the gallery's update debounce
    assert.ok(api.gallery.listed().includes(saved), 'the cleared job’s image is still listed');
    assert.ok(api.gallery.listed().includes(file.path), 'the image with no job is still listed');

    // inserting addresses the file, not a job
    const editor = await vscode.window.showTextDocument(workspaceFile('docs/ideas.txt'));
    editor.selection = new vscode.Selection(1, 0, 1, 0);
    const inserted = await vscode.commands.executeCommand<string>('imageJobs.insertAsset', { path: file.path });
    assert.equal(inserted, `../${file.path}`);
    assert.equal(editor.document.lineAt(1).text, `../${file.path}`);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('moves an image and its sidecar to the trash once confirmed (where the file system has one), and the gallery drops it', async () => {
    const api = await activateExtension();
    const file = await writeImageWithoutJob('to-the-trash', 'an image to throw away');
    await vscode.commands.executeCommand('imageJobs.openGallery');
    await waitForListing(api, file.path, true);
    const moved = await vscode.commands.executeCommand<boolean>('imageJobs.gallery.delete', { path: file.path, confirmed: true });
    if (moved === true) {
      assert.equal(await exists(file.image), false, 'the image left the workspace');
      assert.equal(await exists(file.sidecar), false, 'its sidecar went with it');
      await waitForListing(api, file.path, false);
    } else {
      // code-server's remote file system has no trash: nothing is deleted for good instead, nor half-deleted
      assert.equal(await exists(file.image), true, 'the image is kept when there is no trash');
      assert.equal(await exists(file.sidecar), true, 'and so is its sidecar');
      assert.ok(api.gallery.listed().includes(file.path));
      // ...unless asked to (a user answers a second modal; a script says permanentIfNoTrash)
      const gone = await vscode.commands.executeCommand<boolean>('imageJobs.gallery.delete', {
        path: file.path,
        confirmed: true,
        permanentIfNoTrash: true,
      });
      assert.equal(gone, true);
      assert.equal(await exists(file.image), false, 'deleted for good');
      assert.equal(await exists(file.sidecar), false, 'with its sidecar');
      await waitForListing(api, file.path, false);
    }
  });

  it('asks once before deleting an image, truthfully: Delete Permanently where the file system has no trash', async () => {
    const api = await activateExtension();
    // what the file system does with useTrash here (code-server's has no trash), asked of it directly
    const probe = workspaceFile('assets/generated/trash-probe.txt');
    await vscode.workspace.fs.writeFile(probe, Buffer.from('probe'));
    const hasTrash = await vscode.workspace.fs.delete(probe, { useTrash: true }).then(
      () => true,
      () => false,
    );
    await vscode.workspace.fs.delete(probe, { useTrash: false }).then(undefined, () => undefined);
    const file = await writeImageWithoutJob('asked-once', 'an image asked about once');
    await vscode.commands.executeCommand('imageJobs.openGallery');
    await waitForListing(api, file.path, true);
    const button = hasTrash ? 'Move to Trash' : 'Delete Permanently';
    const { result, asked } = await answeringWarnings(button, () =>
      vscode.commands.executeCommand<boolean>('imageJobs.gallery.delete', { path: file.path }),
    );
    assert.equal(asked.length, 1, `one question, not two: ${asked.map((question) => question.message).join(' | ')}`);
    const [question] = asked;
    const detail = (question!.options as vscode.MessageOptions).detail ?? '';
    if (hasTrash) {
      assert.equal(question!.message, 'Move "asked-once.png" and its sidecar to the trash?');
    } else {
      // no promise of a trash that is not there
      assert.equal(question!.message, 'Permanently delete "asked-once.png" and its sidecar?');
      assert.match(detail, /has no trash: they cannot be restored afterwards\.$/);
      assert.doesNotMatch(`${question!.message} ${detail}`, /restore them from the trash|move .* to the trash/i);
    }
    assert.deepEqual(question!.items, [button]);
    assert.equal(result, true);
    assert.equal(await exists(file.image), false, 'the image went');
    assert.equal(await exists(file.sidecar), false, 'with its sidecar');
    await waitForListing(api, file.path, false);
  });

  it('refuses to delete a file that is not an image of the gallery', async () => {
    await activateExtension();
    const notes = workspaceFile('docs/notes.md');
    const result = await vscode.commands.executeCommand('imageJobs.gallery.delete', { path: 'docs/notes.md', confirmed: true });
    assert.equal(result, undefined);
    assert.equal(await exists(notes), true);
  });
});
