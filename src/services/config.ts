import * as vscode from 'vscode';
import type { GenerationDefaults } from '../core/generationPlan';
import { isProviderId, providerInfo } from '../core/providers/catalog';
import type { ProviderOptions } from '../core/providers/types';
import { settingForTrust } from '../core/trust';
import type { ProviderId } from '../core/jobModel';

const SECTION = 'imageJobs';

function settings(scope?: vscode.Uri): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

/**
 * Settings that choose where requests go are read from user settings only in an untrusted
 * workspace, so a cloned repo cannot redirect jobs or keys.
 */
function trustedValue<T>(key: string, fallback: T, scope?: vscode.Uri): T {
  return settingForTrust(vscode.workspace.isTrusted, settings(scope).inspect<T>(key), fallback);
}

export function defaultProvider(scope?: vscode.Uri): ProviderId {
  const value = trustedValue('defaultProvider', 'sandbox', scope);
  return isProviderId(value) ? value : 'sandbox';
}

export function generationDefaults(outputRoot: vscode.Uri, scope?: vscode.Uri): GenerationDefaults {
  return {
    outputRoot: outputRoot.toString(),
    providerId: defaultProvider(scope),
    modelFor: (providerId) => settings(scope).get<string>(`${providerId}.defaultModel`) || undefined,
    outputFolder: trustedValue('output.folder', 'assets/generated', scope),
    nameTemplate: settings(scope).get<string>('output.nameTemplate', '{{name}}-{{seed}}'),
  };
}

export interface ProviderSettings {
  readonly baseUrl: string;
  readonly options: ProviderOptions;
}

/** Where and how to reach a provider; request-routing values come from user settings only when untrusted. */
export function providerSettings(providerId: ProviderId): ProviderSettings {
  const get = <T>(key: string, fallback: T) => trustedValue<T>(`${providerId}.${key}`, fallback);
  return {
    baseUrl: get('baseUrl', providerInfo(providerId).defaultBaseUrl),
    options: {
      authScheme: get<string | undefined>('authScheme', undefined),
      authHeader: get<string | undefined>('authHeader', undefined),
      endpointId: get<string | undefined>('endpointId', undefined),
      basePath: get<string | undefined>('basePath', undefined),
      appId: get<string | undefined>('appId', undefined),
      resultTtlSeconds: settings().get<number | undefined>(`${providerId}.resultTtlSeconds`),
      runsync: settings().get<boolean | undefined>(`${providerId}.runsync`),
    },
  };
}

export function sandboxJobDurationMs(): number {
  return settings().get<number>('sandbox.jobDurationMs', 3000);
}

export function maxPollIntervalMs(): number {
  return Math.max(1, settings().get<number>('polling.maxIntervalSeconds', 15)) * 1000;
}

export function onDidChange(listener: (event: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) listener(event);
  });
}
