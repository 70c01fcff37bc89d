import * as vscode from 'vscode';
import type { JobManager, ProviderAccess } from '../core/jobManager';
import type { SubModelHealth } from '../core/providers/submodel';
import { generationDefaults } from '../services/config';
import { engine } from '../services/engine';
import { outputRootFor } from '../services/workspaceAssets';

/** Commands that exist for one provider's own endpoints. */
export class ProviderCommands {
  constructor(
    private readonly access: ProviderAccess,
    private readonly jobs: JobManager,
    private readonly globalStorage: vscode.Uri,
  ) {}

  async subModelHealth(): Promise<SubModelHealth> {
    const { context } = await this.access('submodel');
    const health = await engine().subModelHealth(context);
    const { jobs, workers } = health;
    void vscode.window.showInformationMessage(
      `SubModel ${context.options?.endpointId}: ${jobs.inQueue} queued, ${jobs.inProgress} in progress, ${jobs.completed} completed, ${jobs.failed} failed; workers ${workers.idle} idle, ${workers.running} running.`,
    );
    return health;
  }

  /** Scripts pass `{ confirmed: true }` to skip the confirmation. */
  async subModelPurgeQueue(args?: { confirmed?: boolean }): Promise<{ removed: number; status: string } | undefined> {
    const { context } = await this.access('submodel');
    if (!args?.confirmed) {
      const choice = await vscode.window.showWarningMessage(`Remove every queued job on SubModel endpoint ${context.options?.endpointId}? Jobs already running are not affected.`, { modal: true }, 'Purge Queue');
      if (choice !== 'Purge Queue') return undefined;
    }
    const result = await engine().subModelPurgeQueue(context);
    void vscode.window.showInformationMessage(`SubModel: removed ${result.removed} queued job${result.removed === 1 ? '' : 's'}.`);
    return result;
  }

  /** Upscales an image PhotoGPT knows by id; returns the new job id. */
  async photoGptUpscale(args?: { imageId?: string }): Promise<string | undefined> {
    const imageId =
      args?.imageId ??
      (await vscode.window.showInputBox({ title: 'PhotoGPT: Upscale Image', prompt: 'PhotoGPT image id', ignoreFocusOut: true, validateInput: (value) => (value.trim() ? undefined : 'Enter the id of a PhotoGPT image') }));
    if (!imageId?.trim()) return undefined;
    const defaults = generationDefaults(outputRootFor(this.globalStorage));
    return this.jobs.submit(
      { providerId: 'photogpt', model: '', prompt: `Upscale of PhotoGPT image ${imageId.trim()}`, params: {}, operation: { kind: 'upscale', imageId: imageId.trim() } },
      args?.imageId ? { kind: 'script' } : { kind: 'input' },
      { root: defaults.outputRoot, folder: defaults.outputFolder, nameTemplate: defaults.nameTemplate, baseName: `upscaled-${imageId.trim()}` },
    );
  }
}
