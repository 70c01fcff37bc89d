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

/** Runs `body` with the workspace setting `imageJobs.<key>` at `value`, then puts it back. */
export async function withSetting<T>(key: string, value: unknown, body: () => Promise<T>): Promise<T> {
  const settings = vscode.workspace.getConfiguration('imageJobs');
  const previous = settings.inspect(key)?.workspaceValue;
  await settings.update(key, value, vscode.ConfigurationTarget.Workspace);
  try {
    return await body();
  } finally {
    await settings.update(key, previous, vscode.ConfigurationTarget.Workspace);
  }
}

/** Runs `body` with the Sandbox's jobs taking `ms`, then puts the workspace setting back. */
export function withSandboxDuration<T>(ms: number, body: () => Promise<T>): Promise<T> {
  return withSetting('sandbox.jobDurationMs', ms, body);
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
      const options = rest.length > 0 && !isButton(rest[0]) ? rest.shift() : undefined;
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

/**
 * Runs `run` with the messages of `kind` answered by `button` (everything else closed), and resolves once
 * `done` has been shown, by default such a message itself: a toast, and what its button does, may come
 * after the command that shows it has resolved. Returns what `run` resolved with and all that was shown.
 */
export async function clicking<T>(
  kind: 'info' | 'warning' | 'error',
  button: string,
  run: () => Thenable<T>,
  done: Shown['kind'] = kind,
): Promise<{ result: T; shown: Shown[] }> {
  let seen = false;
  return answering(
    (entry) => {
      seen ||= entry.kind === done;
      return entry.kind === kind ? button : undefined;
    },
    async () => {
      const result = await run();
      await until(() => seen, done === kind ? `the ${kind} message offering ${button}` : `a ${done} message after ${button}`);
      return result;
    },
  );
}

/** The messages of one kind that were shown. */
export function messagesOf(shown: readonly Shown[], kind: 'info' | 'warning' | 'error'): { message: string; buttons: readonly string[] }[] {
  return shown.flatMap((entry) => (entry.kind === kind ? [{ message: entry.message, buttons: entry.buttons }] : []));
}

/**
 * Runs `run` with the extension's messages of one kind answered by the button `answer` names, as a user
 * clicking it would; returns what they asked (other messages, input boxes and picks are closed).
 */
export async function answeringMessages<T>(
  kind: 'showWarningMessage' | 'showErrorMessage',
  answer: Answer,
  run: () => Thenable<T>,
): Promise<{ result: T; asked: Asked[] }> {
  const wanted = kind === 'showWarningMessage' ? 'warning' : 'error';
  const asked: Asked[] = [];
  const { result } = await answering((entry) => {
    if (entry.kind !== wanted) return undefined;
    const question: Asked = { message: entry.message, options: entry.options, items: [...entry.items] };
    asked.push(question);
    return typeof answer === 'function' ? answer(question) : answer;
  }, run);
  return { result, asked };
}

/** The extension's warnings (its modal questions) answered by the button titled `answer`; see answeringMessages. */
export function answeringWarnings<T>(answer: string | undefined, run: () => Thenable<T>): Promise<{ result: T; asked: Asked[] }> {
  return answeringMessages('showWarningMessage', answer, run);
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
