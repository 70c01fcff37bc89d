import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { readPngText, pngSize } from '../../src/core/results/png';
import { activateExtension, closeAllEditors, readWorkspaceFile, waitForJob, workspaceFile, workspaceRoot } from './support';

describe('Generate Image', () => {
  afterEach(closeAllEditors);

  it('generates from a .prompt Uri (explorer / script), returns the job id and saves PNG + provenance', async () => {
    const api = await activateExtension();
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate', workspaceFile('prompts/lighthouse.prompt'));
    assert.equal(typeof id, 'string');
    const recorded = api.getJob(id)!;
    assert.ok(recorded.remoteId, 'the provider job id is recorded when the command returns');
    assert.deepEqual(recorded.source, { kind: 'promptFile', uri: workspaceFile('prompts/lighthouse.prompt').toString() });
    const job = await waitForJob(api, id, ['succeeded', 'failed']);
    assert.equal(job.status, 'succeeded', job.error?.message);
    assert.equal(job.request.prompt, 'A watercolor painting of a lighthouse on a cliff at dusk, warm light');
    assert.deepEqual(
      job.assets.map((asset) => asset.path),
      ['assets/generated/lighthouse-1234.png'],
    );

    const png = Buffer.from(await readWorkspaceFile('assets/generated/lighthouse-1234.png'));
    assert.deepEqual(pngSize(png), { width: 256, height: 192 });
    assert.equal(
      readPngText(png).parameters,
      'A watercolor painting of a lighthouse on a cliff at dusk, warm light\nNegative prompt: blurry, text\n' +
        'Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 1234, Size: 256x192, Model: sandbox/landscape',
    );
    const sidecar = JSON.parse(Buffer.from(await readWorkspaceFile('assets/generated/lighthouse-1234.json')).toString('utf8'));
    assert.equal(sidecar.jobId, id);
    assert.equal(sidecar.remoteJobId, job.remoteId);
    assert.equal(sidecar.seed, 1234);
    assert.equal(sidecar.negativePrompt, 'blurry, text');
    // the prompt file by its workspace-relative path: sidecars get committed, a machine path must not be in them
    assert.equal(sidecar.source, 'prompts/lighthouse.prompt');
    const written = Buffer.from(await readWorkspaceFile('assets/generated/lighthouse-1234.json')).toString('utf8');
    for (const text of [written, readPngText(png).parameters ?? '']) {
      assert.ok(!text.includes('file:') && !text.includes(workspaceRoot().fsPath), text);
    }
  });

  it('from the palette uses the active .prompt editor, with output folder and name template from the file', async () => {
    const api = await activateExtension();
    await vscode.window.showTextDocument(workspaceFile('prompts/pair.prompt'));
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate');
    const job = await waitForJob(api, id, ['succeeded', 'failed']);
    assert.equal(job.status, 'succeeded', job.error?.message);
    assert.deepEqual(
      job.assets.map((asset) => asset.path),
      ['art/pair-77-1.png', 'art/pair-78-2.png'],
    );
    for (const asset of job.assets) assert.ok((await vscode.workspace.fs.stat(workspaceFile(asset.path))).size > 100);
  });

  it('uses unsaved edits of an open .prompt file', async () => {
    const api = await activateExtension();
    const editor = await vscode.window.showTextDocument(workspaceFile('prompts/pair.prompt'));
    const bodyLine = editor.document.getText().split('\n').indexOf('Two moons over a quiet desert');
    await editor.edit((edit) => edit.replace(editor.document.lineAt(bodyLine).range, 'Three suns over a frozen sea'));
    const id = await vscode.commands.executeCommand<string>('imageJobs.generate');
    assert.equal(api.getJob(id)!.request.prompt, 'Three suns over a frozen sea');
    await waitForJob(api, id, ['succeeded']);
    await revert(editor.document);
  });

  it('from a selection in any editor: the context menu command sends it, the palette asks with it filled in', async () => {
    const api = await activateExtension();
    const editor = await vscode.window.showTextDocument(workspaceFile('docs/ideas.txt'));
    editor.selection = new vscode.Selection(0, 0, 0, 32);
    const fromMenu = await vscode.commands.executeCommand<string>('imageJobs.generateFromSelection');
    assert.equal(api.getJob(fromMenu)!.request.prompt, 'a fox made of autumn leaves, pap');
    assert.equal(api.getJob(fromMenu)!.source.kind, 'selection');

    // the palette's Generate shows the selection in its input box and waits; Escape sends nothing
    const before = api.listJobs().length;
    const dismissed = vscode.commands.executeCommand<string | undefined>('imageJobs.generate');
    assert.equal(await settledWithin(dismissed, 1500), 'pending', 'the input box waits for the user');
    assert.equal(api.listJobs().length, before, 'nothing is submitted while it asks');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal(await settledWithin(dismissed, 5000), undefined);
    assert.equal(api.listJobs().length, before);
    // Enter sends the selection as filled in
    const accepted = vscode.commands.executeCommand<string | undefined>('imageJobs.generate');
    assert.equal(await settledWithin(accepted, 1500), 'pending');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const fromPalette = await settledWithin(accepted, 10_000);
    assert.equal(typeof fromPalette, 'string');
    assert.equal(api.getJob(fromPalette!)!.request.prompt, 'a fox made of autumn leaves, pap');
    assert.equal(api.getJob(fromPalette!)!.source.kind, 'selection');

    const job = await waitForJob(api, fromMenu, ['succeeded', 'failed']);
    assert.equal(job.status, 'succeeded');
    assert.match(job.assets[0]!.path, /^assets\/generated\/a-fox-made-of-autumn-\d+\.png$/);
    await waitForJob(api, fromPalette!, ['succeeded']);
  });

  it('a malformed .prompt file gets ranged diagnostics and submits nothing', async () => {
    const api = await activateExtension();
    const uri = workspaceFile('prompts/broken.prompt');
    const before = api.listJobs().length;
    const id = await vscode.commands.executeCommand<string | undefined>('imageJobs.generate', uri);
    assert.equal(id, undefined);
    assert.equal(api.listJobs().length, before, 'no job was created');
    const diagnostics = vscode.languages.getDiagnostics(uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    const messages = diagnostics.map((d) => d.message);
    assert.ok(
      messages.some((m) => /^config\.width: /.test(m)),
      messages.join(' | '),
    );
    assert.ok(
      messages.some((m) => m === 'Unknown key "cfg_scale" in config: did you mean `cfgScale`?'),
      messages.join(' | '),
    );
    const width = diagnostics.find((d) => d.message.startsWith('config.width'))!;
    assert.deepEqual([width.range.start.line, width.range.start.character, width.range.end.character], [3, 9, 13]);
    assert.equal(width.source, 'Image Jobs');
  });

  it('diagnostics follow edits of an open .prompt document', async () => {
    const document = await vscode.workspace.openTextDocument({ language: 'dotprompt', content: '---\nmodel: sandbox/landscape\n---\nok' });
    await vscode.window.showTextDocument(document);
    const editor = vscode.window.activeTextEditor!;
    await editor.edit((edit) => edit.replace(new vscode.Range(1, 7, 1, 24), 'nowhere/model'));
    const diagnostics = await new Promise<vscode.Diagnostic[]>((resolve) => {
      const subscription = vscode.languages.onDidChangeDiagnostics(() => {
        const current = vscode.languages.getDiagnostics(document.uri);
        if (current.length) {
          subscription.dispose();
          resolve(current);
        }
      });
    });
    assert.match(diagnostics[0]!.message, /Unknown provider "nowhere"/);
    assert.equal(diagnostics[0]!.range.start.line, 1);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('offers a Generate CodeLens at the top of a .prompt file that runs the job', async () => {
    const api = await activateExtension();
    const uri = workspaceFile('prompts/lighthouse.prompt');
    await vscode.window.showTextDocument(uri);
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const generate = lenses.find((lens) => lens.command?.command === 'imageJobs.generate');
    assert.ok(generate, 'a Generate lens');
    assert.equal(generate.range.start.line, 0);
    assert.match(generate.command!.title, /Generate/);
    assert.ok(
      lenses.some((lens) => lens.command?.title === 'sandbox/landscape'),
      'the model is shown',
    );
    const id = await vscode.commands.executeCommand<string>(generate.command!.command, ...(generate.command!.arguments ?? []));
    assert.equal((await waitForJob(api, id, ['succeeded', 'failed'])).status, 'succeeded');
    // lenses are asked of a loaded document (VS Code refuses a URI it has no model for)
    const lensesOf = async (path: string) =>
      vscode.commands.executeCommand<vscode.CodeLens[]>(
        'vscode.executeCodeLensProvider',
        (await vscode.workspace.openTextDocument(workspaceFile(path))).uri,
      );
    const broken = await lensesOf('prompts/broken.prompt');
    assert.match(broken[0]!.command!.title, /problems? to fix before generating/);
    // pair.prompt has count: 2, so its lens says how many images a click makes, as a sweep's does
    const pair = await lensesOf('prompts/pair.prompt');
    assert.equal(pair.find((lens) => lens.command?.command === 'imageJobs.generate')?.command?.title, '$(sparkle) Generate 2 images');
    assert.equal(generate.command!.title, '$(sparkle) Generate', 'one image: no number');
  });

  it('generates from several selected .prompt files at once (a sweep); an open file counts with its unsaved edits', async () => {
    const api = await activateExtension();
    const files = ['prompts/lighthouse.prompt', 'prompts/pair.prompt', 'prompts/broken.prompt'].map(workspaceFile);
    const editor = await vscode.window.showTextDocument(files[1]!);
    const bodyLine = editor.document.getText().split('\n').indexOf('Two moons over a quiet desert');
    // an earlier test's edit that reached the disk (the web workbench's auto save, which the runner turns off) shows here
    assert.ok(bodyLine >= 0, `pair.prompt's body as the editor has it (dirty: ${editor.document.isDirty}): ${editor.document.getText()}`);
    await editor.edit((edit) => edit.replace(editor.document.lineAt(bodyLine).range, 'Two moons over a sweep'));
    try {
      const ids = await vscode.commands.executeCommand<string[]>('imageJobs.generate', files[0], files);
      assert.equal(ids.length, 2, 'the malformed file submits nothing, the others one job each');
      const jobs = ids.map((id) => api.getJob(id)!);
      assert.deepEqual(
        jobs.map((job) => job.source),
        files.slice(0, 2).map((uri) => ({ kind: 'promptFile', uri: uri.toString() })),
      );
      for (const job of jobs) assert.ok(job.remoteId, `${job.id} has its provider id when Generate returns`);
      assert.equal(jobs[1]!.request.prompt, 'Two moons over a sweep');
      for (const id of ids) assert.equal((await waitForJob(api, id, ['succeeded', 'failed'])).status, 'succeeded');
    } finally {
      await revert(editor.document);
    }
  });

  it('contributes the explorer and editor context menus and the palette entry', () => {
    const manifest = vscode.extensions.getExtension('image-jobs.image-jobs')!.packageJSON;
    const menus = manifest.contributes.menus;
    assert.ok(
      menus['explorer/context'].some(
        (m: { command: string; when: string }) => m.command === 'imageJobs.generate' && m.when.includes('resourceExtname == .prompt'),
      ),
    );
    assert.ok(
      menus['editor/context'].some(
        (m: { command: string; when: string }) => m.command === 'imageJobs.generateFromSelection' && m.when === 'editorHasSelection',
      ),
    );
    assert.ok(
      manifest.contributes.commands.some(
        (c: { command: string; title: string; category: string }) =>
          c.command === 'imageJobs.generate' && `${c.category}: ${c.title}` === 'Image Jobs: Generate Image',
      ),
    );
  });
});

/** Resolves with the command's result, or 'pending' if it has not settled after `ms`. */
function settledWithin<T>(promise: Thenable<T>, ms: number): Promise<T | 'pending'> {
  return Promise.race([Promise.resolve(promise), new Promise<'pending'>((resolve) => setTimeout(() => resolve('pending'), ms))]);
}

/**
 * Reverts the document's unsaved edits. The revert command acts on the active editor, which a finished
 * job may have changed: left dirty, the next test that opens the file read the edit (CI, once).
 */
async function revert(document: vscode.TextDocument): Promise<void> {
  await vscode.window.showTextDocument(document);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  assert.ok(!document.isDirty, `${document.uri.path} is reverted`);
}
