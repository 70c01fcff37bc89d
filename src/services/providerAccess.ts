import * as vscode from 'vscode';
import { DisposableOwner } from './disposables';
import { ProviderError } from '../core/errors';
import type { HttpClient } from '../core/http';
import type { ProviderAccess } from '../core/jobs/jobManager';
import type { ProviderId } from '../core/jobModel';
import { providerInfo } from '../core/providers/catalog';
import type { ImageProvider, ProviderContext } from '../core/providers/types';
import type { ApiKeys } from './apiKeys';
import { onDidChange as onDidChangeSettings, providerSettings } from './config';
import { engine } from './engine';
import type { SandboxHost } from './sandboxHost';

/** Reads a job's source image through workspace.fs, so remote folders work as local ones. */
const readSourceImage = async (uri: string): Promise<Uint8Array> => vscode.workspace.fs.readFile(vscode.Uri.parse(uri, true));

/** What a provider still needs before a job can be sent to it: a key, or a setting. */
export type MissingSetup =
  | { readonly kind: 'apiKey'; readonly providerId: ProviderId; readonly message: string }
  | { readonly kind: 'setting'; readonly setting: string; readonly message: string };

/**
 * Resolves a provider with its base URL, options and key: the one place that reads keys for requests.
 * Every poll asks, so a resolution is kept until a key or an imageJobs setting changes, instead of a
 * SecretStorage round trip per request.
 */
export class ProviderAccessService extends DisposableOwner {
  private client: HttpClient | undefined;
  private readonly resolved = new Map<ProviderId, Promise<{ provider: ImageProvider; context: ProviderContext }>>();

  readonly access: ProviderAccess = (providerId) => {
    let resolution = this.resolved.get(providerId);
    if (!resolution) {
      resolution = this.resolve(providerId);
      this.resolved.set(providerId, resolution);
      // a failure (no key yet) is not kept: the next call looks again
      resolution.catch(() => this.resolved.get(providerId) === resolution && this.resolved.delete(providerId));
    }
    return resolution;
  };

  constructor(
    private readonly sandbox: SandboxHost,
    private readonly apiKeys: ApiKeys,
  ) {
    super();
    this.register(apiKeys.onDidChange((providerId) => this.resolved.delete(providerId)));
    this.register(onDidChangeSettings(() => this.resolved.clear()));
    // trust decides which settings apply (services/config.ts)
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.resolved.clear()));
  }

  /** Checked before a job is recorded, so a job that cannot be sent is never made (only a failure). */
  async missingSetup(providerId: ProviderId): Promise<MissingSetup | undefined> {
    if (providerId === 'sandbox') return undefined;
    const { displayName } = providerInfo(providerId);
    if (!(await this.apiKeys.has(providerId)))
      return { kind: 'apiKey', providerId, message: `No API key for ${displayName}. Run "Image Jobs: Set API Key".` };
    if (!providerSettings(providerId).baseUrl) {
      const setting = `imageJobs.${providerId}.baseUrl`;
      return { kind: 'setting', setting, message: `No base URL for ${displayName}: set ${setting}.` };
    }
    return undefined;
  }

  private async resolve(providerId: ProviderId): Promise<{ provider: ImageProvider; context: ProviderContext }> {
    const { HttpClient, PROVIDER_IMPLEMENTATIONS } = engine();
    const http = (this.client ??= new HttpClient());
    const provider = PROVIDER_IMPLEMENTATIONS[providerId];
    // the Sandbox is sent the image an upscale starts from; the other providers take ids, not files
    if (providerId === 'sandbox') return { provider, context: { http, baseUrl: await this.sandbox.url(), readSourceImage } };
    const apiKey = await this.apiKeys.get(providerId);
    const { baseUrl, options } = providerSettings(providerId);
    if (apiKey && baseUrl) return { provider, context: { http, baseUrl, apiKey, options } };
    const missing = await this.missingSetup(providerId);
    throw new ProviderError(missing?.kind === 'setting' ? 'badRequest' : 'auth', missing?.message ?? 'The provider is not set up.');
  }
}
