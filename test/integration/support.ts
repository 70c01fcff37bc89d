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

/** What the extension showed the user: a message with its buttons, an input box, a quick pick, a status bar text. */
export type Shown =
  | {
      readonly kind: 'info' | 'warning' | 'error';
      readonly message: string;
      readonly options: unknown;
      /** As passed (strings or MessageItems), and their titles. */
      readonly items: readonly unknown[];
      readonly buttons: readonly string[];
    }
  | { readonly kind: 'input'; readonly options: vscode.InputBoxOptions }
  | { readonly kind: 'pick'; readonly options: vscode.QuickPickOptions | undefined; readonly labels: readonly string[] }
  | { readonly kind: 'statusBar'; readonly message: string };

/**
 * Runs `run` (and what it starts until it resolves) with the extension's messages, input boxes and
 * quick picks answered by `answer`, as a user would: a button's title, the text typed, the label
 * picked; undefined closes it (Escape). `answer` sees status bar texts go by too. Returns all that was
 * shown, in order. The extension's
 * `vscode` API object is this suite's.
 */
export async function answering<T>(
  answer: (shown: Shown) => string | undefined,
  run: () => Thenable<T>,
): Promise<{ result: T; shown: Shown[] }> {
  const window = vscode.window as unknown as Record<string, unknown>;
  const stubbed = [
    'showInformationMessage',
    'showWarningMessage',
    'showErrorMessage',
    'showInputBox',
    'showQuickPick',
    'setStatusBarMessage',
  ];
  const originals = stubbed.map((name) => window[name]);
  const shown: Shown[] = [];
  const message =
    (kind: 'info' | 'warning' | 'error') =>
    (text: string, ...rest: unknown[]) => {
      // the options object (modal, detail) comes first when given; then the buttons
      const options = rest[0] !== undefined && typeof rest[0] === 'object' && !('title' in (rest[0] as object)) ? rest.shift() : undefined;
      const entry: Shown = { kind, message: text, options, items: rest, buttons: rest.map(buttonTitle) };
      shown.push(entry);
      const choice = answer(entry);
      return Promise.resolve(rest.find((item) => choice !== undefined && buttonTitle(item) === choice));
    };
  window.showInformationMessage = message('info');
  window.showWarningMessage = message('warning');
  window.showErrorMessage = message('error');
  window.showInputBox = (options: vscode.InputBoxOptions) => {
    const entry: Shown = { kind: 'input', options };
    shown.push(entry);
    return Promise.resolve(answer(entry));
  };
  window.showQuickPick = async (
    items: readonly (string | vscode.QuickPickItem)[] | Thenable<readonly (string | vscode.QuickPickItem)[]>,
    options?: vscode.QuickPickOptions,
  ) => {
    const list = await items;
    const label = (item: string | vscode.QuickPickItem) => (typeof item === 'string' ? item : item.label);
    const entry: Shown = { kind: 'pick', options, labels: list.map(label) };
    shown.push(entry);
    const choice = answer(entry);
    return list.find((item) => choice !== undefined && label(item) === choice);
  };
  window.setStatusBarMessage = (text: string) => {
    const entry: Shown = { kind: 'statusBar', message: text };
    shown.push(entry);
    answer(entry); // nothing to answer: `answer` sees it go by
    return new vscode.Disposable(() => undefined);
  };
  try {
    return { result: await run(), shown };
  } finally {
    stubbed.forEach((name, index) => (window[name] = originals[index]));
  }
}

/** The messages of one kind that were shown. */
export function messagesOf(shown: readonly Shown[], kind: 'info' | 'warning' | 'error'): { message: string; buttons: readonly string[] }[] {
  return shown.flatMap((entry) => (entry.kind === kind ? [{ message: entry.message, buttons: entry.buttons }] : []));
}

/**
 * Runs `run` with the extension's warnings answered by the button titled `answer`, as a user clicking
 * it would (undefined: closing the question); returns what it asked.
 */
export async function answeringWarnings<T>(
  answer: string | undefined,
  run: () => Thenable<T>,
): Promise<{ result: T; asked: { message: string; options: unknown; items: unknown[] }[] }> {
  const { result, shown } = await answering((entry) => (entry.kind === 'warning' ? answer : undefined), run);
  const asked = shown.flatMap((entry) =>
    entry.kind === 'warning' ? [{ message: entry.message, options: entry.options, items: [...entry.items] }] : [],
  );
  return { result, asked };
}

/** Resolves with `check`'s first truthy value, looking every 50 ms (what a toast's button starts has no event to wait on). */
export async function until<T>(check: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
