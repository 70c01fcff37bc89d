import * as vscode from 'vscode';
import { redactSecrets } from '../core/redact';

/** The extension's one LogOutputChannel; every line passes through secret redaction. */
export class Log implements vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Image Jobs', { log: true });
  private readonly secrets = new Set<string>();

  /** Registers a secret value so it is scrubbed from every later line. */
  addSecret(value: string): void {
    this.secrets.add(value);
  }

  private clean(message: string): string {
    return redactSecrets(message, this.secrets);
  }

  debug(message: string): void {
    this.channel.debug(this.clean(message));
  }
  info(message: string): void {
    this.channel.info(this.clean(message));
  }
  warn(message: string): void {
    this.channel.warn(this.clean(message));
  }
  error(message: string): void {
    this.channel.error(this.clean(message));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
