// Helpers for the integration suite: the extension's API, waiting on jobs, workspace files.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ImageJobsApi } from '../../src/extension';
import type { JobRecord } from '../../src/core/jobModel';

export const EXTENSION_ID = 'image-jobs.image-jobs';

export async function activateExtension(): Promise<ImageJobsApi> {
  const extension = vscode.extensions.getExtension<ImageJobsApi>(EXTENSION_ID);
  if (!extension) throw new Error(`${EXTENSION_ID} is not installed`);
  return extension.activate();
}

export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the suite needs the fixture workspace open');
  return folder.uri;
}

export function workspaceFile(relativePath: string): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), ...relativePath.split('/'));
}

/** Resolves when the job reaches one of `statuses` (checked on every change, not by sleeping). */
export function waitForJob(api: ImageJobsApi, id: string, statuses: JobRecord['status'][], timeoutMs = 30_000): Promise<JobRecord> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const job = api.getJob(id);
      if (job && statuses.includes(job.status)) {
        cleanup();
        resolve(job);
      }
    };
    const subscription = api.onDidChangeJob((changed) => changed === id && check());
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`job ${id} did not reach ${statuses.join('/')} (now ${api.getJob(id)?.status ?? 'missing'})`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

export async function readWorkspaceFile(relativePath: string): Promise<Uint8Array> {
  return vscode.workspace.fs.readFile(workspaceFile(relativePath));
}

export async function closeAllEditors(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Every file under `dir` whose content contains `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).flatMap((entry) => {
    if (!entry.isFile()) return [];
    const file = path.join(entry.parentPath, entry.name);
    return fs.readFileSync(file).includes(needle) ? [file] : [];
  });
}

/** Runs `body` with the Sandbox's jobs taking `ms`, then puts the workspace setting back. */
export async function withSandboxDuration<T>(ms: number, body: () => Promise<T>): Promise<T> {
  const settings = vscode.workspace.getConfiguration('imageJobs');
  const previous = settings.inspect<number>('sandbox.jobDurationMs')?.workspaceValue;
  await settings.update('sandbox.jobDurationMs', ms, vscode.ConfigurationTarget.Workspace);
  try {
    return await body();
  } finally {
    await settings.update('sandbox.jobDurationMs', previous, vscode.ConfigurationTarget.Workspace);
  }
}

/** A modal's button as the extension passes it: a string or a `MessageItem`. */
const buttonTitle = (item: unknown) => (typeof item === 'string' ? item : (item as vscode.MessageItem).title);

/**
 * Runs `run` with the extension's warnings answered by the button titled `answer`, as a user clicking
 * it would (undefined: closing the question); returns what it asked. The extension's `vscode` API
 * object is this suite's.
 */
export async function answeringWarnings<T>(
  answer: string | undefined,
  run: () => Thenable<T>,
): Promise<{ result: T; asked: { message: string; options: unknown; items: unknown[] }[] }> {
  const window = vscode.window as { showWarningMessage: unknown };
  const original = window.showWarningMessage;
  const asked: { message: string; options: unknown; items: unknown[] }[] = [];
  window.showWarningMessage = (message: string, options: unknown, ...items: unknown[]) => {
    asked.push({ message, options, items });
    return Promise.resolve(items.find((item) => answer !== undefined && buttonTitle(item) === answer));
  };
  try {
    return { result: await run(), asked };
  } finally {
    window.showWarningMessage = original;
  }
}
