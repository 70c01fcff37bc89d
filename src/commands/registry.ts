// Every command of the extension is registered here, through one wrapper (commandRunner.ts).
import * as vscode from 'vscode';
import type { Log } from '../services/log';
import type { Command, CommandPorts } from './commandRunner';

export function registerCommands(commands: readonly Command[], log: Log): vscode.Disposable[] {
  const ports: CommandPorts = {
    log,
    showError: (message, actions) => vscode.window.showErrorMessage(message, ...actions),
    execute: (command, arg) => vscode.commands.executeCommand(command, ...(arg === undefined ? [] : [arg])),
  };
  return commands.map((command) => vscode.commands.registerCommand(command.id, (...args: unknown[]) => command.invoke(args, ports)));
}
