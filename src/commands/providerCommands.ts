import * as vscode from 'vscode';
import type { JobManager, ProviderAccess } from '../core/jobs/jobManager';
import type { JobStore } from '../core/jobs/jobStore';
import { upscalableImages } from '../core/providers/photogptImages';
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
    private readonly store: JobStore,
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
      const purge: vscode.MessageItem = { title: 'Purge Queue' };
      // not the modal's own "Cancel", which would read as cancelling the queued jobs
      const keep: vscode.MessageItem = { title: 'Keep Queue', isCloseAffordance: true };
      const choice = await vscode.window.showWarningMessage(
        `Remove every queued job on SubModel endpoint ${context.options?.endpointId}? Jobs already running are not affected.`,
        { modal: true },
        purge,
        keep,
      );
      if (choice !== purge) return undefined;
    }
    const result = await engine().subModelPurgeQueue(context);
    void vscode.window.showInformationMessage(`SubModel: removed ${result.removed} queued job${result.removed === 1 ? '' : 's'}.`);
    return result;
  }

  /** Upscales an image PhotoGPT knows by id; returns the new job id. */
  async photoGptUpscale(args?: { imageId?: string }): Promise<string | undefined> {
    const imageId = args?.imageId ?? (await this.pickPhotoGptImage());
    if (!imageId?.trim()) return undefined;
    const defaults = generationDefaults(outputRootFor(this.globalStorage));
    return this.jobs.submit(
      {
        providerId: 'photogpt',
        model: '',
        prompt: `Upscale of PhotoGPT image ${imageId.trim()}`,
        params: {},
        operation: { kind: 'upscale', imageId: imageId.trim() },
      },
      args?.imageId ? { kind: 'script' } : { kind: 'input' },
      {
        root: defaults.outputRoot,
        folder: defaults.outputFolder,
        nameTemplate: defaults.nameTemplate,
        baseName: `upscaled-${imageId.trim()}`,
      },
    );
  }

  /** PhotoGPT images from finished jobs to choose from; typing an id stays possible. */
  private async pickPhotoGptImage(): Promise<string | undefined> {
    const typeId = { label: '$(edit) Enter an image id…', imageId: undefined };
    const images = upscalableImages(this.store.values()).map((image) => ({
      label: image.path,
      description: image.imageId,
      detail: image.prompt,
      imageId: image.imageId,
    }));
    const picked = images.length
      ? await vscode.window.showQuickPick([...images, typeId], {
          title: 'PhotoGPT: Upscale Image',
          placeHolder: 'Image to upscale',
          matchOnDescription: true,
          matchOnDetail: true,
        })
      : typeId;
    if (!picked) return undefined;
    return (
      picked.imageId ??
      vscode.window.showInputBox({
        title: 'PhotoGPT: Upscale Image',
        prompt: 'PhotoGPT image id',
        ignoreFocusOut: true,
        validateInput: (value) => (value.trim() ? undefined : 'Enter the id of a PhotoGPT image'),
      })
    );
  }
}
