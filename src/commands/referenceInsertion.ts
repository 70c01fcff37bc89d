// Puts a reference to an image at the cursors of an editor: the one edit behind Insert (the gallery,
// the Jobs view, scripts), whichever names the image by its job or by its file.
import * as vscode from 'vscode';
import { placeReference } from '../core/results/assetReference';

/** Inserts `reference` at every selection, placed for the document's language (a Markdown image as its own paragraph). */
export async function insertAtSelections(editor: vscode.TextEditor, reference: string): Promise<void> {
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
