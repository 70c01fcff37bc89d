import * as vscode from 'vscode';
import type { AssetSink } from '../core/jobManager';
import type { JobPersistence } from '../core/jobStore';
import { isTerminal, type JobRecord, type SavedAsset } from '../core/jobModel';

export function assetUri(root: string, relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(vscode.Uri.parse(root), ...relativePath.split('/'));
}

export function savedAssetUri(job: JobRecord, asset: SavedAsset): vscode.Uri {
  return assetUri(job.output.root, asset.path);
}

/** Writes results through vscode.workspace.fs, so remote and virtual folders work as local ones. */
export const workspaceAssetSink: AssetSink = {
  async exists(root, relativePath) {
    try {
      await vscode.workspace.fs.stat(assetUri(root, relativePath));
      return true;
    } catch {
      return false;
    }
  },
  async write(root, relativePath, bytes) {
    const target = assetUri(root, relativePath);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
    await vscode.workspace.fs.writeFile(target, bytes);
  },
  async remove(root, relativePath) {
    await vscode.workspace.fs.delete(assetUri(root, relativePath), { useTrash: false });
  },
};

const JOBS_KEY = 'imageJobs.jobs.v1';
const MAX_KEPT_JOBS = 500;

/** Jobs live in workspace state: they belong to this workspace and come back after a reload. */
export function mementoPersistence(memento: vscode.Memento): JobPersistence {
  return {
    load: () => memento.get<JobRecord[]>(JOBS_KEY, []),
    save: (jobs) => Promise.resolve(memento.update(JOBS_KEY, keepable(jobs))),
  };
}

/** Every unfinished job, plus the newest finished ones up to the cap. */
function keepable(jobs: readonly JobRecord[]): JobRecord[] {
  const finished = jobs.filter((job) => isTerminal(job.status)).sort((a, b) => b.createdAt - a.createdAt);
  const dropped = new Set(finished.slice(MAX_KEPT_JOBS).map((job) => job.id));
  return jobs.filter((job) => !dropped.has(job.id));
}

/** Results go under the workspace folder of `scope` (else the first one); with no folder open, into the extension's storage. */
export function outputRootFor(globalStorage: vscode.Uri, scope?: vscode.Uri): vscode.Uri {
  const folder = (scope && vscode.workspace.getWorkspaceFolder(scope)) ?? vscode.workspace.workspaceFolders?.[0];
  return folder?.uri ?? vscode.Uri.joinPath(globalStorage, 'results');
}
