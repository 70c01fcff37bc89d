import * as vscode from 'vscode';
import type { SandboxServer } from '../core/sandbox/server';
import { sandboxJobDurationMs } from './config';
import { engine } from './engine';
import type { Log } from './log';
import { describeError } from '../core/errors';

/**
 * Owns the Sandbox job server: made and started on first use (its renderer and upscaler live in the
 * engine bundle, not the activation one), stopped with the extension.
 */
export class SandboxHost implements vscode.Disposable {
  private server: SandboxServer | undefined;
  private starting: Promise<string> | undefined;

  constructor(
    private readonly storageUri: vscode.Uri,
    private readonly log: Log,
  ) {}

  /** The server's base URL, starting it if needed. */
  url(): Promise<string> {
    if (this.server?.isRunning) return Promise.resolve(this.server.url);
    this.server ??= new (engine().SandboxServer)({
      jobDurationMs: sandboxJobDurationMs,
      stateFile: vscode.Uri.joinPath(this.storageUri, 'sandbox-jobs.json').fsPath,
    });
    this.starting ??= this.server.start().then(
      (url) => {
        this.log.info(`[sandbox] job server listening on ${url}`);
        return url;
      },
      (error: unknown) => {
        this.starting = undefined;
        throw new Error(`The Sandbox job server could not start: ${describeError(error)}`);
      },
    );
    return this.starting;
  }

  dispose(): void {
    void this.server?.stop();
  }
}
