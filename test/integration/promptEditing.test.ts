import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateExtension, closeAllEditors } from './support';

/** Waits until the document's diagnostics satisfy `ready` (they are published after a debounce or a key read). */
function diagnosticsWhen(
  uri: vscode.Uri,
  ready: (diagnostics: vscode.Diagnostic[]) => boolean,
  timeoutMs = 10_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const current = vscode.languages.getDiagnostics(uri);
      if (!ready(current)) return false;
      subscription.dispose();
      clearTimeout(timer);
      resolve(current);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics(check);
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(
        new Error(
          `diagnostics never matched: ${vscode.languages
            .getDiagnostics(uri)
            .map((d) => d.message)
            .join(' | ')}`,
        ),
      );
    }, timeoutMs);
    check();
  });
}

let opened = 0;

/** An untitled .prompt document of its own: a reused Untitled-1 could still be the previous test's, closing. */
async function openPrompt(content: string): Promise<vscode.TextDocument> {
  const uri = vscode.Uri.from({ scheme: 'untitled', path: `/prompt-editing-${Date.now()}-${++opened}.prompt` });
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  await editor.edit((edit) => edit.insert(new vscode.Position(0, 0), content));
  return document;
}

const TAMS_FILE = '---\nmodel: tams/600423083519508503\nconfig:\n  width: 10000\n  stepz: 20\n  \n---\nA {{who}} at dusk\n';

describe('Editing .prompt files', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await closeAllEditors();
  });

  it("prompt editing: all problems at once, with the provider's rule and a 'did you mean' quick fix", async () => {
    await activateExtension();
    const document = await openPrompt(TAMS_FILE);
    const diagnostics = await diagnosticsWhen(document.uri, (current) => current.length >= 3);
    const messages = diagnostics.map((d) => d.message);
    assert.ok(messages.includes('TAMS: width must be a multiple of 64 from 512 to 1536 (got 10000)'), messages.join(' | '));
    assert.ok(!messages.some((m) => m.includes('4096')), 'no generic bound where TAMS has a rule');
    const stepz = diagnostics.find((d) => d.message === 'Unknown key "stepz" in config: did you mean `steps`?');
    assert.ok(stepz, messages.join(' | '));
    assert.ok(
      messages.some((m) => m.startsWith('"{{who}}" has no default')),
      'the body is checked in the same pass',
    );

    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      stepz.range,
    );
    const fix = actions.find((action) => action.title === 'Change to "steps"');
    assert.ok(fix?.edit, actions.map((action) => action.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.lineAt(4).text, '  steps: 20');
    await diagnosticsWhen(document.uri, (current) => !current.some((d) => d.message.includes('stepz')));
  });

  it('prompt editing: completion from the schema and hover docs with the providers limits', async () => {
    await activateExtension();
    const document = await openPrompt(TAMS_FILE);
    const keys = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(5, 2),
    );
    const keyLabels = keys.items.map((item) => item.label);
    for (const key of ['steps', 'cfgScale', 'negativePrompt', 'sampler', 'count', 'kind'])
      assert.ok(keyLabels.includes(key), `${key} in ${keyLabels.join(', ')}`);
    assert.ok(!keyLabels.includes('width'), 'a key already written is not offered again');

    const models = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(1, 7),
    );
    const modelLabels = models.items.map((item) => item.label);
    for (const model of ['sandbox/landscape', 'serika/flux-schnell', 'tams/', 'bifrost/openai/dall-e-3'])
      assert.ok(modelLabels.includes(model), `${model} in ${modelLabels.join(', ')}`);

    const variables = await vscode.commands.executeCommand<vscode.CompletionList>(
      'vscode.executeCompletionItemProvider',
      document.uri,
      new vscode.Position(7, 4),
    );
    assert.ok(variables.items.some((item) => item.label === 'who'));

    const [hover] = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      document.uri,
      new vscode.Position(3, 4),
    );
    const text = hover!.contents.map((content) => (content instanceof vscode.MarkdownString ? content.value : String(content))).join('\n');
    assert.match(text, /config\.width/);
    assert.match(text, /TAMS: a multiple of 64 from 512 to 1536/);
  });

  it("prompt editing: sweep's model list completes the models model: does, as list items", async () => {
    await activateExtension();
    const document = await openPrompt('---\nmodel: sandbox/landscape\nsweep:\n  model: [sandbox/landscape, ]\n  seed:\n---\nA harbour\n');
    const complete = (line: number, character: number, trigger?: string) =>
      vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        document.uri,
        new vscode.Position(line, character),
        trigger,
      );
    const inList = await complete(3, 29, ' ');
    const labels = inList.items.map((item) => item.label);
    for (const model of ['sandbox/landscape', 'serika/flux-schnell', 'tams/', 'bifrost/openai/dall-e-3'])
      assert.ok(labels.includes(model), `${model} in ${labels.join(', ')}`);
    const serika = inList.items.find((item) => item.label === 'serika/flux-schnell')!;
    const editor = vscode.window.activeTextEditor!;
    await editor.insertSnippet(new vscode.SnippetString(String(serika.insertText)), serika.range as vscode.Range);
    assert.equal(document.lineAt(3).text, '  model: [sandbox/landscape, serika/flux-schnell]');

    // an empty value: a list of one, a provider's prefix leaving the cursor inside the brackets
    await editor.edit((edit) => edit.replace(document.lineAt(3).range, '  model: '));
    const empty = await complete(3, 9, ' ');
    const tams = empty.items.find((item) => item.label === 'tams/')!;
    assert.ok(tams.insertText instanceof vscode.SnippetString, 'a snippet');
    await editor.insertSnippet(tams.insertText, tams.range as vscode.Range);
    assert.equal(document.lineAt(3).text, '  model: [tams/]');
    assert.equal(editor.selection.active.character, '  model: [tams/'.length, 'the cursor before ]');

    // a block list
    await editor.edit((edit) => edit.replace(document.lineAt(3).range, '  model:\n    - '));
    const block = await complete(4, 6, ' ');
    assert.ok(block.items.some((item) => item.label === 'sandbox/broken'));
  });

  it('prompt editing: a provider without its API key gets a warning on model: that refreshes when the key is set', async () => {
    await activateExtension();
    await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' });
    const document = await openPrompt('---\nmodel: serika/flux-schnell\n---\nA castle\n');
    const missing = (current: vscode.Diagnostic[]) => current.find((d) => d.message.startsWith('Serika needs an API key'));
    const [warning] = (await diagnosticsWhen(document.uri, (current) => !!missing(current))).filter((d) => missing([d]));
    assert.equal(warning!.severity, vscode.DiagnosticSeverity.Warning);
    assert.deepEqual([warning!.range.start.line, warning!.range.start.character], [1, 7]);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      warning!.range,
    );
    const setKey = actions.find((action) => action.title === 'Set API Key for Serika');
    assert.deepEqual([setKey?.command?.command, setKey?.command?.arguments], ['imageJobs.setApiKey', [{ provider: 'serika' }]]);
    try {
      await vscode.commands.executeCommand('imageJobs.setApiKey', { provider: 'serika', key: 'sk-prompt-editing-test' });
      await diagnosticsWhen(document.uri, (current) => !missing(current));
      await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' });
      await diagnosticsWhen(document.uri, (current) => !!missing(current));
    } finally {
      await vscode.commands.executeCommand('imageJobs.clearApiKey', { provider: 'serika' });
    }
  });

  it('prompt editing: an empty base URL gets a warning whose quick fix opens that setting', async () => {
    await activateExtension();
    const document = await openPrompt('---\nmodel: tams/600423083519508503\n---\nA castle\n');
    const [warning] = await diagnosticsWhen(document.uri, (current) => current.some((d) => d.message.includes('has no base URL'))).then(
      (all) => all.filter((d) => d.message.includes('has no base URL')),
    );
    assert.equal(warning!.message, 'TensorArt TAMS has no base URL: set imageJobs.tams.baseUrl.');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>(
      'vscode.executeCodeActionProvider',
      document.uri,
      warning!.range,
    );
    const open = actions.find((action) => action.command?.command === 'workbench.action.openSettings');
    assert.deepEqual(open?.command?.arguments, ['imageJobs.tams.baseUrl']);
  });
});
