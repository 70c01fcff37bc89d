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

/** Resolves with what `find` returns once it returns something (looked for every 100 ms). */
export async function until<T>(find: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (let found = find(); ; found = find()) {
    if (found !== undefined) return found;
    if (Date.now() > end) throw new Error(`nothing came in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

/** A button as the extension passes it: a string or a `MessageItem`. */
const buttonTitle = (item: unknown) => (typeof item === 'string' ? item : (item as vscode.MessageItem).title);
const isButton = (item: unknown) => typeof item === 'string' || (typeof item === 'object' && item !== null && 'title' in item);

/** A question the extension asked: its words, its options (a modal's), its buttons. */
export interface Asked {
  readonly message: string;
  readonly options: unknown;
  readonly items: unknown[];
}

/** The title of the button to click (undefined: closing the message), or a function of the question that says it. */
export type Answer = string | undefined | ((asked: Asked) => string | undefined);

/**
 * Runs `run` with the extension's messages of one kind answered by the button `answer` names, as a user
 * clicking it would; returns what they asked. The extension's `vscode` API object is this suite's.
 */
export async function answeringMessages<T>(
  kind: 'showWarningMessage' | 'showErrorMessage',
  answer: Answer,
  run: () => Thenable<T>,
): Promise<{ result: T; asked: Asked[] }> {
  const window = vscode.window as unknown as Record<typeof kind, unknown>;
  const original = window[kind];
  const asked: Asked[] = [];
  window[kind] = (message: string, ...rest: unknown[]) => {
    const options = rest.length > 0 && !isButton(rest[0]) ? rest[0] : undefined;
    const question = { message, options, items: rest.filter(isButton) };
    asked.push(question);
    const title = typeof answer === 'function' ? answer(question) : answer;
    return Promise.resolve(question.items.find((item) => title !== undefined && buttonTitle(item) === title));
  };
  try {
    return { result: await run(), asked };
  } finally {
    window[kind] = original;
  }
}

/** The extension's warnings (its modal questions) answered by the button titled `answer`; see answeringMessages. */
export function answeringWarnings<T>(answer: string | undefined, run: () => Thenable<T>): Promise<{ result: T; asked: Asked[] }> {
  return answeringMessages('showWarningMessage', answer, run);
}
