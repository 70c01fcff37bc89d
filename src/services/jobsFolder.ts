// The folder this window keeps its jobs journal and leases in: the workspace's own storage folder,
// shared by every window on the workspace (core/jobs/sharedJobsFolder.ts), with the jobs an earlier
// version left in a suffixed one moved into it.
import type * as vscode from 'vscode';
import { describeError } from '../core/errors';
import { foldSuffixedJournals, sharedJobsFolder } from '../core/jobs/sharedJobsFolder';
import type { Log } from './log';

export function sharedJobsFolderOf(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>, log: Log): string {
  // without a folder open, the global storage folder, which VS Code never suffixes
  if (!context.storageUri) return context.globalStorageUri.fsPath;
  const folder = sharedJobsFolder(context.storageUri.fsPath);
  if (folder !== context.storageUri.fsPath)
    log.info(`[jobs] another window holds this workspace's storage folder; jobs are kept in ${folder}, shared with it`);
  try {
    const moved = foldSuffixedJournals(folder);
    if (moved > 0) log.info(`[jobs] jobs recorded in ${moved} other storage folder(s) of this workspace moved into ${folder}`);
  } catch (error) {
    // they stay where they are, and the next window to start moves them
    log.warn(`[jobs] could not move jobs from this workspace's other storage folders: ${describeError(error)}`);
  }
  return folder;
}
