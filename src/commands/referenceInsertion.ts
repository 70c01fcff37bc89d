// Puts a reference to an image where the user writes: the one Insert behind the gallery, the Jobs
// view, the "Image ready" toast and scripts, whichever names the image by its job or by its file. The
// gallery takes focus when clicked, and the toast comes while the .prompt file that made the image may
// be the active editor, so the editors the user was in are remembered, most recent first, and the
// first that takes references (referenceTarget: never a .prompt file) gets it.
import * as vscode from 'vscode';
import { formatAssetReference, relativeReferencePath } from '../core/results/assetReference';
import { placeReferences } from '../core/results/referencePlacement';
import { pickReferenceTarget, rememberRecent } from '../core/results/referenceTarget';
import { DisposableOwner } from '../services/disposables';

/** An image to reference: where it is, its workspace-relative path, and the text that describes it. */
export interface ImageToReference {
  readonly uri: vscode.Uri;
  readonly workspacePath: string;
  readonly alt: string;
}

const sameDocument = (a: vscode.TextEditor, b: vscode.TextEditor) => a.document.uri.toString() === b.document.uri.toString();

export class ReferenceInserter extends DisposableOwner {
  /** Text editors the user was in, most recent first, one per document. */
  private recent: vscode.TextEditor[] = [];

  constructor() {
    super();
    for (const editor of [...vscode.window.visibleTextEditors].reverse()) this.remember(editor);
    if (vscode.window.activeTextEditor) this.remember(vscode.window.activeTextEditor);
    this.register(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) this.remember(editor);
      }),
    );
  }

  private remember(editor: vscode.TextEditor): void {
    this.recent = rememberRecent(this.recent, editor, sameDocument);
  }

  /**
   * Inserts a reference in the last text editor that takes one (not a .prompt file), next to its
   * cursors and never over its selection (placeReferences): a Markdown image as a paragraph of its
   * own, <img> in HTML-like files, the path elsewhere, relative to the document where it can be. The
   * cursor ends just after it. With no such editor, copies the workspace path. Returns the text inserted.
   */
  async insert(image: ImageToReference): Promise<string | undefined> {
    const target = this.target();
    if (!target) {
      await vscode.env.clipboard.writeText(image.workspacePath);
      void vscode.window.showInformationMessage(`No editor to insert into: copied ${image.workspacePath} to the clipboard.`);
      return undefined;
    }
    const document = target.document;
    const { uri } = image;
    const sameSpace = document.uri.scheme === uri.scheme && document.uri.authority === uri.authority && document.uri.scheme !== 'untitled';
    const path = sameSpace ? relativeReferencePath(document.uri.path, uri.path) : image.workspacePath;
    const text = formatAssetReference(document.languageId, path, image.alt);
    // shown (and focused) first: an editor whose tab was hidden since can no longer be edited, and
    // the one shown in its place starts with the remembered cursors
    const editor = await vscode.window.showTextDocument(document, target.viewColumn ?? vscode.ViewColumn.Active);
    if (editor !== target)
      editor.selections = target.selections.map(
        (s) => new vscode.Selection(document.validatePosition(s.anchor), document.validatePosition(s.active)),
      );
    await insertBesideSelections(editor, text);
    return text;
  }

  /** The most recent editor that takes references whose document is still open in a tab. */
  private target(): vscode.TextEditor | undefined {
    const inTabs = new Set(
      vscode.window.tabGroups.all.flatMap((group) =>
        group.tabs.flatMap((tab) => (tab.input instanceof vscode.TabInputText ? [tab.input.uri.toString()] : [])),
      ),
    );
    const open = this.recent.filter(
      (editor) =>
        !editor.document.isClosed && (vscode.window.visibleTextEditors.includes(editor) || inTabs.has(editor.document.uri.toString())),
    );
    return pickReferenceTarget(open, ({ document }) => ({
      languageId: document.languageId,
      path: document.uri.path,
      scheme: document.uri.scheme,
    }));
  }
}

/** Inserts `reference` beside every selection (placeReferences), then leaves an empty cursor just after each one. */
async function insertBesideSelections(editor: vscode.TextEditor, reference: string): Promise<void> {
  const document = editor.document;
  const placement = placeReferences(
    { text: document.getText(), languageId: document.languageId, eol: document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n' },
    reference,
    editor.selections.map((selection) => ({ start: document.offsetAt(selection.start), end: document.offsetAt(selection.end) })),
  );
  const applied = await editor.edit((edit) => {
    for (const { offset, text } of placement.edits) edit.insert(document.positionAt(offset), text);
  });
  if (!applied) throw new Error(`Could not insert into ${vscode.workspace.asRelativePath(document.uri)}: the editor refused the edit.`);
  editor.selections = placement.cursors.map((offset) => {
    const position = document.positionAt(offset);
    return new vscode.Selection(position, position);
  });
  editor.revealRange(editor.selection);
}
