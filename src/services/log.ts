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

  /** The text without any registered secret or anything shaped like a key: for every line, and for what the user is shown. */
  redact(message: string): string {
    return redactSecrets(message, this.secrets);
  }

  debug(message: string): void {
    this.channel.debug(this.redact(message));
  }
  info(message: string): void {
    this.channel.info(this.redact(message));
  }
  warn(message: string): void {
    this.channel.warn(this.redact(message));
  }
  error(message: string): void {
    this.channel.error(this.redact(message));
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
