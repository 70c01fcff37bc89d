// The one way the VS Code side owns and releases what it creates (after vscode-pull-request-github's
// src/common/lifecycle.ts): a class extends DisposableOwner and registers each disposable once.
import type * as vscode from 'vscode';

/** Disposes each item once, in reverse order of registration; one failing does not stop the rest. */
export function disposeAll(items: vscode.Disposable[]): void {
  const errors: unknown[] = [];
  while (items.length > 0) {
    try {
      items.pop()!.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed');
}

export abstract class DisposableOwner implements vscode.Disposable {
  private readonly owned: vscode.Disposable[] = [];
  private disposed = false;

  protected get isDisposed(): boolean {
    return this.disposed;
  }

  /** Takes ownership of `disposable`; registered after dispose(), it is disposed at once. */
  protected register<T extends vscode.Disposable>(disposable: T): T {
    if (this.disposed) disposable.dispose();
    else this.owned.push(disposable);
    return disposable;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    disposeAll(this.owned);
  }
}
