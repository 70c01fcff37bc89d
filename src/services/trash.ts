// Whether deleting a file can move it to a trash, known before asking the user. VS Code's file service
// moves a file to the trash only where its file system provider has one: a desktop window's own disk.
// A remote's file system (SSH, WSL, a container, code-server's server) and a browser's have none, and
// the Explorer offers them only Delete Permanently (microsoft/vscode#96055); `files.enableTrash: false`
// asks for none. workspace.fs.delete has no such check: it refuses `useTrash` only once it is called.
import * as vscode from 'vscode';

export type Trash = { readonly available: true } | { readonly available: false; readonly why: string };

export function trashFor(uri: vscode.Uri): Trash {
  if (vscode.workspace.getConfiguration('files', uri).get<boolean>('enableTrash', true) === false)
    return { available: false, why: 'The "Files: Enable Trash" setting is off' };
  if (vscode.env.uiKind === vscode.UIKind.Web) return { available: false, why: 'VS Code in a browser has no trash' };
  if (vscode.env.remoteName !== undefined)
    return { available: false, why: `The remote's file system (${vscode.env.remoteName}) has no trash` };
  if (uri.scheme !== 'file') return { available: false, why: `The ${uri.scheme} file system has no trash` };
  return { available: true };
}
