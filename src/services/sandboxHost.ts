import * as vscode from 'vscode';
import { SandboxServer } from '../core/sandbox/server';
import { sandboxJobDurationMs } from './config';
import type { Log } from './log';
import { describeError } from '../core/errors';

/** Owns the Sandbox job server: started on first use, stopped with the extension. */
export class SandboxHost implements vscode.Disposable {
  private readonly server: SandboxServer;
  private starting: Promise<string> | undefined;

  constructor(
    storageUri: vscode.Uri,
    private readonly log: Log,
  ) {
    this.server = new SandboxServer({
      jobDurationMs: sandboxJobDurationMs,
      stateFile: vscode.Uri.joinPath(storageUri, 'sandbox-jobs.json').fsPath,
    });
  }

  /** The server's base URL, starting it if needed. */
  url(): Promise<string> {
    if (this.server.isRunning) return Promise.resolve(this.server.url);
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
    void this.server.stop();
  }
}
