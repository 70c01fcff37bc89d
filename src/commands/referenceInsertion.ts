// Puts a reference to an image where the user writes: the one Insert behind the gallery, the Jobs
// view and scripts, whichever names the image by its job or by its file. The gallery takes focus
// when clicked, so the editor the user last typed in is remembered.
import * as vscode from 'vscode';
import { formatAssetReference, placeReference, relativeReferencePath } from '../core/results/assetReference';
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
   * Inserts a reference at the cursors of the last text editor: Markdown image (its own paragraph:
   * placeReference), <img> in HTML-like files, the path elsewhere, relative to the document where it
   * can be. With no editor, copies the workspace path. Returns the text inserted.
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
    await insertAtSelections(editor, text);
    await vscode.window.showTextDocument(document, editor.viewColumn);
    return text;
  }
}

/** Inserts `reference` at every selection, placed for the document's language (a Markdown image as its own paragraph). */
async function insertAtSelections(editor: vscode.TextEditor, reference: string): Promise<void> {
  const document = editor.document;
  const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
  const line = (index: number) => (index >= 0 && index < document.lineCount ? document.lineAt(index).text : undefined);
  await editor.edit((edit) => {
    for (const selection of editor.selections) {
      const site = {
        before: document.lineAt(selection.start.line).text.slice(0, selection.start.character),
        after: document.lineAt(selection.end.line).text.slice(selection.end.character),
        previousLine: line(selection.start.line - 1),
        nextLine: line(selection.end.line + 1),
      };
      edit.replace(selection, placeReference(document.languageId, reference, site, eol));
    }
  });
}
