// Files as a chat agent names them: the document an image goes into (a workspace-relative path, an
// absolute path or a URI; it need not exist yet), images by workspace-relative path, and references
// whose path is relative to that document.
import { posix } from 'node:path';
import * as vscode from 'vscode';
import { formatAssetReference, referenceLanguageForPath, relativeReferencePath } from '../core/results/assetReference';

/** The document's URI, or why it cannot be used. Only a document inside an open workspace folder. */
export function resolveTargetDocument(written: string): vscode.Uri | { readonly problem: string } {
  const folders = vscode.workspace.workspaceFolders ?? [];
  let uri: vscode.Uri;
  if (/^[a-z][a-z0-9+.-]+:\/\//i.test(written)) uri = vscode.Uri.parse(written);
  else if (/^([a-zA-Z]:)?[\\/]/.test(written)) uri = vscode.Uri.file(written);
  else {
    const segments = written.replace(/\\/g, '/').split('/').filter(Boolean);
    if (segments.includes('..')) return { problem: 'targetDocument must be inside the workspace' };
    // several folders: "folder/docs/page.md" names the folder as asRelativePath does
    const named = folders.length > 1 ? folders.find((folder) => folder.name === segments[0]) : undefined;
    const folder = named ?? folders[0];
    if (!folder) return { problem: 'targetDocument needs an open workspace folder' };
    uri = vscode.Uri.joinPath(folder.uri, ...(named ? segments.slice(1) : segments));
  }
  if (!vscode.workspace.getWorkspaceFolder(uri)) return { problem: `targetDocument must be inside the workspace (got ${written})` };
  return uri;
}

/** References to images, for the target document if there is one, else from the image's workspace folder. */
export class ImageReferences {
  constructor(private readonly target?: vscode.Uri) {}

  /** What the agent reads the paths as relative to. */
  get relativeTo(): string {
    return this.target ? vscode.workspace.asRelativePath(this.target) : 'the workspace folder';
  }

  reference(image: vscode.Uri, prompt: string): string {
    const language = this.target ? referenceLanguageForPath(this.target.path) : 'markdown';
    return formatAssetReference(language, this.pathTo(image), prompt);
  }

  private pathTo(image: vscode.Uri): string {
    if (this.target) return relativeReferencePath(this.target.path, image.path);
    const folder = vscode.workspace.getWorkspaceFolder(image);
    return folder ? posix.relative(folder.uri.path, image.path) : image.fsPath;
  }
}
