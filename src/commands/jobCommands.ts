import * as vscode from 'vscode';
import { relativeReferencePath, formatAssetReference } from '../core/assetReference';
import { describeError } from '../core/errors';
import type { JobManager } from '../core/jobManager';
import type { JobRecord } from '../core/jobModel';
import type { JobStore } from '../core/jobStore';
import { savedAssetUri } from '../services/workspaceAssets';

/** Tree nodes pass the job id; scripts may pass `{ jobId }`. */
function jobIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (typeof arg === 'object' && arg !== null && typeof (arg as { jobId?: unknown }).jobId === 'string') return (arg as { jobId: string }).jobId;
  return undefined;
}

export interface InsertAssetArgs {
  readonly jobId: string;
  readonly index?: number;
}

/** Actions on one job (tree context menu, gallery, scripts) and reference insertion. */
export class JobCommands implements vscode.Disposable {
  private lastTextEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly subscription: vscode.Disposable;

  constructor(
    private readonly store: JobStore,
    private readonly jobs: JobManager,
  ) {
    // the gallery takes focus when clicked, so remember where the user was typing
    this.subscription = vscode.window.onDidChangeActiveTextEditor((editor) => {
      if (editor) this.lastTextEditor = editor;
    });
  }

  private job(arg: unknown): JobRecord | undefined {
    const id = jobIdOf(arg);
    const job = id ? this.store.get(id) : undefined;
    if (!job) void vscode.window.showWarningMessage('That job no longer exists.');
    return job;
  }

  async cancel(arg: unknown): Promise<void> {
    const job = this.job(arg);
    if (!job) return;
    try {
      await this.jobs.cancel(job.id);
    } catch (error) {
      void vscode.window.showErrorMessage(`Could not cancel the job: ${describeError(error)}`);
    }
  }

  async retry(arg: unknown): Promise<string | undefined> {
    const job = this.job(arg);
    return job ? this.jobs.retry(job.id) : undefined;
  }

  async openResult(arg: unknown): Promise<void> {
    const job = this.job(arg);
    const asset = job?.assets[0];
    if (!job || !asset) return;
    await vscode.commands.executeCommand('vscode.open', savedAssetUri(job, asset), { preview: true });
  }

  async copyId(arg: unknown): Promise<string | undefined> {
    const job = this.job(arg);
    if (!job) return undefined;
    const text = job.remoteId ?? job.id;
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Copied job id ${text}`, 3000);
    return text;
  }

  async remove(arg: unknown): Promise<void> {
    const job = this.job(arg);
    if (job) await this.jobs.remove(job.id);
  }

  async clearFinished(): Promise<void> {
    for (const job of this.store.all()) if (job.finishedAt !== undefined) await this.jobs.remove(job.id);
  }

  /**
   * Inserts a reference to a saved asset at the cursor of the last text editor: Markdown image,
   * <img> in HTML-like files, the relative path elsewhere. Returns the inserted text.
   */
  async insertAsset(args: InsertAssetArgs): Promise<string | undefined> {
    const job = this.job(args?.jobId);
    const asset = job?.assets[args.index ?? 0];
    if (!job || !asset) return undefined;
    const assetUri = savedAssetUri(job, asset);
    const editor = this.lastTextEditor && !this.lastTextEditor.document.isClosed ? this.lastTextEditor : undefined;
    if (!editor) {
      await vscode.env.clipboard.writeText(asset.path);
      void vscode.window.showInformationMessage(`No editor to insert into: copied ${asset.path} to the clipboard.`);
      return undefined;
    }
    const document = editor.document;
    const sameSpace = document.uri.scheme === assetUri.scheme && document.uri.authority === assetUri.authority && document.uri.scheme !== 'untitled';
    const path = sameSpace ? relativeReferencePath(document.uri.path, assetUri.path) : asset.path;
    const text = formatAssetReference(document.languageId, path, job.request.prompt);
    await editor.edit((edit) => {
      for (const selection of editor.selections) edit.replace(selection, text);
    });
    await vscode.window.showTextDocument(document, editor.viewColumn);
    return text;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
