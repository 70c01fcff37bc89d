// What happens around every command (after vscode-containers' registerCommands.ts): its arguments are
// parsed by the command's own parser, a failure is logged and shown with a next step, never lost.
// No `vscode` import, so it is unit-tested with plain node; registry.ts adapts it to VS Code.
import { describeError, isProviderError } from '../core/errors';

/** An argument a caller (a script, a menu) passed that the command cannot use: the caller's mistake. */
export class ArgumentError extends Error {
  override readonly name = 'ArgumentError';
}

export interface CommandSpec<A = undefined> {
  readonly id: string;
  /** Turns what VS Code passes into what `run` takes; throws ArgumentError when it cannot. */
  readonly parse?: (args: readonly unknown[]) => A;
  readonly run: (arg: A) => unknown;
}

/** What an untrusted workspace may not do (a provider other than the Sandbox from its files): trusting it is the fix. */
export class UntrustedWorkspaceError extends Error {
  override readonly name = 'UntrustedWorkspaceError';
}

/** A follow-up offered with an error: a label, and the command it runs. */
export interface NextStep {
  readonly label: string;
  readonly command: string;
  readonly arg?: unknown;
}

export interface CommandPorts {
  /** `redact` scrubs secrets from what the user is shown (the log scrubs its own lines). */
  readonly log: { error(message: string): void; redact(text: string): string };
  /** Shows the message with these action labels; resolves with the one picked. */
  showError(message: string, actions: readonly string[]): PromiseLike<string | undefined>;
  execute(command: string, arg?: unknown): PromiseLike<unknown>;
}

export const SHOW_LOG: NextStep = { label: 'Show Log', command: 'imageJobs.showLog' };

/** What a user can do about an error, besides reading the log. */
export function nextStepsFor(error: unknown): NextStep[] {
  if (isProviderError(error) && error.kind === 'auth') return [{ label: 'Set API Key', command: 'imageJobs.setApiKey' }];
  if (error instanceof UntrustedWorkspaceError) return [{ label: 'Manage Workspace Trust', command: 'workbench.trust.manage' }];
  return [];
}

/**
 * Runs a command. A failure while running is logged and shown, and the command resolves undefined (a
 * rejection would make VS Code show a second, vaguer message). An argument error is also logged and
 * shown, and rejects (found by the parser or later), so the script that passed it learns of its mistake.
 */
export async function runCommand<A>(spec: CommandSpec<A>, args: readonly unknown[], ports: CommandPorts): Promise<unknown> {
  let arg: A;
  try {
    arg = spec.parse ? spec.parse(args) : (undefined as A);
  } catch (error) {
    report(spec.id, error, ports);
    throw error;
  }
  try {
    return await spec.run(arg);
  } catch (error) {
    report(spec.id, error, ports);
    // a script that passed a value the command cannot use learns of it
    if (error instanceof ArgumentError) throw error;
    return undefined;
  }
}

/** A command ready to register: its argument type is checked where it is defined, then erased. */
export interface Command {
  readonly id: string;
  invoke(args: readonly unknown[], ports: CommandPorts): Promise<unknown>;
}

export function command<A>(spec: CommandSpec<A>): Command {
  return { id: spec.id, invoke: (args, ports) => runCommand(spec, args, ports) };
}

function report(id: string, error: unknown, ports: CommandPorts): void {
  const message = describeError(error);
  const stack = error instanceof Error && !isProviderError(error) && !(error instanceof ArgumentError) ? `\n${error.stack ?? ''}` : '';
  ports.log.error(`[command] ${id} failed: ${message}${stack}`);
  const steps = [...nextStepsFor(error), SHOW_LOG];
  void Promise.resolve(
    ports.showError(
      ports.log.redact(message),
      steps.map((step) => step.label),
    ),
  ).then((choice) => {
    const step = steps.find((candidate) => candidate.label === choice);
    if (step) void ports.execute(step.command, step.arg);
  });
}
