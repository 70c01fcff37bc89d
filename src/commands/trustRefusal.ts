// A request an untrusted workspace may not make (a prompt to a provider other than the offline
// Sandbox): refused, with the way to trust the workspace one click away.
import * as vscode from 'vscode';

const MANAGE_TRUST = 'Manage Workspace Trust';

export function refuseUntrusted(message: string): void {
  void vscode.window.showErrorMessage(message, MANAGE_TRUST).then((choice) => {
    if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
  });
}
