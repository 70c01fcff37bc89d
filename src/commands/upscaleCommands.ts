// "Upscale" on a gallery image: an ordinary job (Jobs view, provenance) whose result is saved beside
// its source and whose sidecar names it. Used by the gallery and by scripts (imageJobs.gallery.upscale).
import * as vscode from 'vscode';
import type { JobManager } from '../core/jobs/jobManager';
import { sha256Hex, upscaleJob, upscaleProvider } from '../core/results/sourceImage';
import type { Log } from '../services/log';
import type { AssetFileArgs } from './commandArgs';
import type { AssetFileCommands } from './assetFileCommands';
import { UntrustedWorkspaceError } from './commandRunner';
import { ProviderReadiness, type SetupCheck } from './providerReadiness';

/** A source bigger than this is not sent (the Sandbox takes up to 16 MB; PhotoGPT is sent only the id). */
const MAX_SOURCE_BYTES = 16 * 1024 * 1024;

export class UpscaleCommands {
  private readonly readiness: ProviderReadiness;

  constructor(
    private readonly files: Pick<AssetFileCommands, 'resolve'>,
    private readonly jobs: JobManager,
    setup: SetupCheck,
    private readonly log: Log,
  ) {
    this.readiness = new ProviderReadiness(setup, log);
  }

  /**
   * Starts an upscale of an image the gallery shows; resolves with the job id once it is submitted (or
   * failed), undefined when the user declined to set a missing key. `interactive` is false for scripts.
   */
  async upscale(args: AssetFileArgs, interactive = false): Promise<string | undefined> {
    const { uri, entry } = await this.files.resolve(args);
    const name = vscode.workspace.asRelativePath(uri);
    if (!entry) throw new Error(`${name} is not an image in the gallery (it has no Image Jobs sidecar).`);
    const providerId = upscaleProvider(entry);
    if (!providerId) {
      throw new Error(
        `${name} cannot be upscaled: the Sandbox upscales its PNGs and PhotoGPT the images it made (by their id); other providers' documents show no way to send them an image.`,
      );
    }
    // the provider and image id come from a workspace file: in restricted mode only the Sandbox may be used
    if (providerId !== 'sandbox' && !vscode.workspace.isTrusted) {
      throw new UntrustedWorkspaceError(
        `This workspace is not trusted, so its images can only be upscaled on the Sandbox (${name} is from ${providerId}).`,
      );
    }
    const { size } = await vscode.workspace.fs.stat(uri);
    if (size > MAX_SOURCE_BYTES) throw new Error(`${name} is over ${MAX_SOURCE_BYTES / 1024 / 1024} MB: too big to upscale.`);
    const bytes = await vscode.workspace.fs.readFile(uri);
    const { request, output } = upscaleJob(entry, sha256Hex(bytes), vscode.workspace.getWorkspaceFolder(uri)?.uri.toString());
    this.readiness.startCommand();
    if (!(await this.readiness.ensure(providerId, interactive))) return undefined;
    const id = await this.jobs.submit(request, interactive ? { kind: 'input' } : { kind: 'script' }, output);
    this.log.info(`[gallery] upscale of ${name} on ${providerId}: job ${id}`);
    return id;
  }
}
