// Before a job is recorded, its provider must have what a submission needs (a key, a base URL):
// otherwise the user is asked for it, instead of getting a job that fails at once. A script is never
// asked (it could not answer): it gets an error, and no job.
import * as vscode from 'vscode';
import { describeError, ProviderError } from '../core/errors';
import type { ProviderId } from '../core/jobModel';
import { providerInfo } from '../core/providers/catalog';
import type { Log } from '../services/log';
import { oneLine } from '../core/oneLine';
import type { MissingSetup } from '../services/providerAccess';

export interface SetupCheck {
  missingSetup(providerId: ProviderId): Promise<MissingSetup | undefined>;
}

/**
 * What a generation that found no key can do later, from the toast that says nothing was sent: go on
 * once the key is saved, or run on the Sandbox (typed text), so what the user wrote is not lost.
 */
export interface GoOn {
  /** The prompt, shown in the toast and the key prompt; absent when several jobs wait (a sweep, files). */
  readonly what?: string;
  /** The same generation again, once the key is saved. */
  readonly again: () => Promise<unknown>;
  /** The same text on the Sandbox, where that makes sense. */
  readonly onSandbox?: () => Promise<unknown>;
}

const SET_KEY = 'Set API Key';
const USE_SANDBOX = 'Use Sandbox';

export class ProviderReadiness {
  /** Providers whose key prompt the user dismissed during this command: several files ask once. */
  private readonly declined = new Set<ProviderId>();

  constructor(
    private readonly check: SetupCheck,
    private readonly log: Log,
  ) {}

  /** A new command starts: a prompt dismissed before may be welcome now. */
  startCommand(): void {
    this.declined.clear();
  }

  /**
   * Resolves true once the provider can take a job. Interactive: asks for a missing key (and goes on
   * once it is set) or opens the missing setting; a key prompt dismissed says nothing was sent, and
   * offers `goOn`. Not interactive: throws the reason.
   */
  async ensure(providerId: ProviderId, interactive: boolean, goOn?: GoOn): Promise<boolean> {
    let missing = await this.check.missingSetup(providerId);
    const name = providerInfo(providerId).displayName;
    if (missing?.kind === 'apiKey' && interactive && !this.declined.has(providerId)) {
      this.log.info(`[generate] ${providerId} has no API key: asking for one before recording the job`);
      const reason = `${name} needs an API key to generate ${goOn?.what ? `"${oneLine(goOn.what, 60)}"` : 'images'}; nothing is sent without one.`;
      const saved = await vscode.commands.executeCommand<boolean>('imageJobs.setApiKey', { provider: providerId, reason });
      missing = await this.check.missingSetup(providerId);
      if (!saved && missing?.kind === 'apiKey') {
        this.declined.add(providerId);
        this.offerWayOn(name, providerId, goOn);
      }
    }
    if (!missing) return true;
    this.log.warn(`[generate] nothing recorded: ${missing.message}`);
    if (!interactive) throw new ProviderError(missing.kind === 'apiKey' ? 'auth' : 'badRequest', missing.message);
    if (missing.kind === 'setting') {
      void vscode.commands.executeCommand('workbench.action.openSettings', missing.setting);
      void vscode.window.showWarningMessage(`${missing.message} Nothing was submitted.`);
    }
    return false;
  }

  /** The key prompt was dismissed: nothing was sent, and the generation can still go on from here. */
  private offerWayOn(name: string, providerId: ProviderId, goOn: GoOn | undefined): void {
    const what = goOn?.what ? ` for "${oneLine(goOn.what, 60)}"` : '';
    const then = goOn ? ` ${SET_KEY} to send it once the key is saved${goOn.onSandbox ? ', or try it on the offline Sandbox' : ''}.` : '';
    const actions = goOn?.onSandbox ? [SET_KEY, USE_SANDBOX] : [SET_KEY];
    void vscode.window.showWarningMessage(`Nothing was sent${what}: ${name} needs an API key.${then}`, ...actions).then(async (choice) => {
      try {
        if (choice === USE_SANDBOX) await goOn?.onSandbox?.();
        if (choice !== SET_KEY) return;
        const reason = goOn ? `Once it is saved, the generation goes on.` : undefined;
        const saved = await vscode.commands.executeCommand<boolean>('imageJobs.setApiKey', { provider: providerId, reason });
        if (saved && goOn) {
          this.declined.delete(providerId);
          await goOn.again();
        }
      } catch (error) {
        this.log.error(`[generate] going on after the key prompt failed: ${describeError(error)}`);
        void vscode.window.showErrorMessage(`Could not generate: ${describeError(error)}`);
      }
    });
  }
}
