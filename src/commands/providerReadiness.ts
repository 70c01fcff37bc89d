// Before a job is recorded, its provider must have what a submission needs (a key, a base URL):
// otherwise the user is asked for it, instead of getting a job that fails at once. A script is never
// asked (it could not answer): it gets an error, and no job.
import * as vscode from 'vscode';
import { ProviderError } from '../core/errors';
import type { ProviderId } from '../core/jobModel';
import type { Log } from '../services/log';
import type { MissingSetup } from '../services/providerAccess';

export interface SetupCheck {
  missingSetup(providerId: ProviderId): Promise<MissingSetup | undefined>;
}

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
   * once it is set) or opens the missing setting. Not interactive: throws the reason.
   */
  async ensure(providerId: ProviderId, interactive: boolean): Promise<boolean> {
    let missing = await this.check.missingSetup(providerId);
    if (missing?.kind === 'apiKey' && interactive && !this.declined.has(providerId)) {
      this.log.info(`[generate] ${providerId} has no API key: asking for one before recording the job`);
      const saved = await vscode.commands.executeCommand<boolean>('imageJobs.setApiKey', { provider: providerId });
      if (!saved) this.declined.add(providerId);
      missing = await this.check.missingSetup(providerId);
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
}
