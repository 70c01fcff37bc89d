// Puts a reference to an image where the user writes: the one Insert behind the gallery, the Jobs
// view and scripts, whichever names the image by its job or by its file. The gallery takes focus
// when clicked, so the editor the user last typed in is remembered.
import * as vscode from 'vscode';
import { formatAssetReference, relativeReferencePath } from '../core/results/assetReference';
import { placeReferences } from '../core/results/referencePlacement';
import { DisposableOwner } from '../services/disposables';

/** An image to reference: where it is, its workspace-relative path, and the text that describes it. */
export interface ImageToReference {
  readonly uri: vscode.Uri;
  readonly workspacePath: string;
  readonly alt: string;
}

export class ReferenceInserter extends DisposableOwner {
  private lastTextEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;

  constructor() {
    super();
    this.register(
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor) this.lastTextEditor = editor;
      }),
    );
  }

  /**
   * Inserts a reference in the last text editor, next to its cursors and never over its selection
   * (placeReferences): a Markdown image as a paragraph of its own, <img> in HTML-like files, the path
   * elsewhere, relative to the document where it can be. The cursor ends just after it. With no
   * editor, copies the workspace path. Returns the text inserted.
   */
  async insert(image: ImageToReference): Promise<string | undefined> {
    const editor = this.lastTextEditor && !this.lastTextEditor.document.isClosed ? this.lastTextEditor : undefined;
    if (!editor) {
      await vscode.env.clipboard.writeText(image.workspacePath);
      void vscode.window.showInformationMessage(`No editor to insert into: copied ${image.workspacePath} to the clipboard.`);
      return undefined;
    }
    const document = editor.document;
    const { uri } = image;
    const sameSpace = document.uri.scheme === uri.scheme && document.uri.authority === uri.authority && document.uri.scheme !== 'untitled';
    const path = sameSpace ? relativeReferencePath(document.uri.path, uri.path) : image.workspacePath;
    const text = formatAssetReference(document.languageId, path, image.alt);
    await insertBesideSelections(editor, text);
    await vscode.window.showTextDocument(document, editor.viewColumn);
    return text;
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
