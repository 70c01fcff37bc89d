import * as vscode from 'vscode';
import type { AssetSink } from '../core/jobs/jobManager';
import type { JobRecord, SavedAsset } from '../core/jobModel';

export function assetUri(root: string, relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.Uri.parse(root), ...relativePath.split('/'));
}

export function savedAssetUri(job: JobRecord, asset: SavedAsset): vscode.Uri {
  return assetUri(job.output.root, asset.path);
}

/** The last segment of a URI's path (decoded, as vscode.Uri keeps it). */
export function uriFileName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** Whether anything is at `uri`, through vscode.workspace.fs (remote and virtual folders too). */
export function uriExists(uri: vscode.Uri): Promise<boolean> {
  return Promise.resolve(vscode.workspace.fs.stat(uri)).then(
    () => true,
    () => false,
  );
}

/** Writes results through vscode.workspace.fs, so remote and virtual folders work as local ones. */
export const workspaceAssetSink: AssetSink = {
  exists: (root, relativePath) => uriExists(assetUri(root, relativePath)),
  async write(root, relativePath, bytes) {
    const target = assetUri(root, relativePath);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
    await vscode.workspace.fs.writeFile(target, bytes);
  },
  async remove(root, relativePath) {
    await vscode.workspace.fs.delete(assetUri(root, relativePath), { useTrash: false });
  },
};

/** Results go under the workspace folder of `scope` (else the first one); with no folder open, into the extension's storage. */
export function outputRootFor(globalStorage: vscode.Uri, scope?: vscode.Uri): vscode.Uri {
  const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri ?? vscode.Uri.joinPath(globalStorage, 'results');
}
