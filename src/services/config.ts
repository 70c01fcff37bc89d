// Typed access to the extension's settings (after GitLens' configuration.ts). Every key and its type
// are listed once here; defaults live only in package.json, which VS Code applies, so no read here
// names a fallback (a unit test checks package.json's defaults have no second copy in src/).
import * as vscode from 'vscode';
import type { GenerationDefaults } from '../core/prompt/generationPlan';
import type { ProviderId } from '../core/jobModel';
import { isProviderId } from '../core/providers/catalog';
import type { ProviderOptions } from '../core/providers/types';
import { settingForTrust } from '../core/trust';

const SECTION = 'imageJobs';

/** Each `imageJobs.*` setting package.json declares, with its type. */
export interface Settings {
  readonly defaultProvider: string;
  readonly 'sweep.confirmAbove': number;
  readonly 'output.folder': string;
  readonly 'output.nameTemplate': string;
  readonly 'sandbox.jobDurationMs': number;
  readonly 'polling.maxIntervalSeconds': number;
  readonly 'serika.baseUrl': string;
  readonly 'serika.defaultModel': string;
  readonly 'tams.baseUrl': string;
  readonly 'tams.defaultModel': string;
  readonly 'tams.authScheme': 'bearer' | 'rsa';
  readonly 'tams.appId': string;
  readonly 'bifrost.baseUrl': string;
  readonly 'bifrost.defaultModel': string;
  readonly 'bifrost.authScheme': 'bearer' | 'x-bf-vk';
  readonly 'bifrost.resultTtlSeconds': number;
  readonly 'photogpt.baseUrl': string;
  readonly 'photogpt.defaultModel': string;
  readonly 'submodel.baseUrl': string;
  readonly 'submodel.defaultModel': string;
  readonly 'submodel.endpointId': string;
  readonly 'submodel.basePath': string;
  readonly 'submodel.authHeader': string;
  readonly 'submodel.runsync': boolean;
  readonly 'submodel.heldStatus': boolean;
}

export type SettingKey = keyof Settings;

/** A setting of one provider, if it declares it: (tams, appId) → 'tams.appId'. */
function providerKey(providerId: ProviderId, name: string): SettingKey | undefined {
  const key = `${providerId}.${name}`;
  return key in SETTING_KEYS ? (key as SettingKey) : undefined;
}

/** The keys, as a value (for providerKey); `satisfies` makes the compiler check it lists them all. */
const SETTING_KEYS = {
  defaultProvider: 1,
  'sweep.confirmAbove': 1,
  'output.folder': 1,
  'output.nameTemplate': 1,
  'sandbox.jobDurationMs': 1,
  'polling.maxIntervalSeconds': 1,
  'serika.baseUrl': 1,
  'serika.defaultModel': 1,
  'tams.baseUrl': 1,
  'tams.defaultModel': 1,
  'tams.authScheme': 1,
  'tams.appId': 1,
  'bifrost.baseUrl': 1,
  'bifrost.defaultModel': 1,
  'bifrost.authScheme': 1,
  'bifrost.resultTtlSeconds': 1,
  'photogpt.baseUrl': 1,
  'photogpt.defaultModel': 1,
  'submodel.baseUrl': 1,
  'submodel.defaultModel': 1,
  'submodel.endpointId': 1,
  'submodel.basePath': 1,
  'submodel.authHeader': 1,
  'submodel.runsync': 1,
  'submodel.heldStatus': 1,
} as const satisfies Record<SettingKey, 1>;

/** A setting's value; VS Code falls back to package.json's default. */
export function get<K extends SettingKey>(key: K, scope?: vscode.Uri): Settings[K] {
  return vscode.workspace.getConfiguration(SECTION, scope).get<Settings[K]>(key) as Settings[K];
}

/**
 * Settings that choose where requests go: in an untrusted workspace only the user's own value (or
 * the default) counts, so a cloned repo cannot redirect jobs or keys. Each is declared restricted
 * in package.json too.
 */
export function getTrusted<K extends SettingKey>(key: K, scope?: vscode.Uri): Settings[K] {
  const inspected = vscode.workspace.getConfiguration(SECTION, scope).inspect<Settings[K]>(key);
  return settingForTrust(vscode.workspace.isTrusted, inspected, inspected?.defaultValue as Settings[K]);
}

/** True when the change touches one of `keys`. */
export function affects(event: vscode.ConfigurationChangeEvent, ...keys: SettingKey[]): boolean {
  return keys.some((key) => event.affectsConfiguration(`${SECTION}.${key}`));
}

export function defaultProvider(scope?: vscode.Uri): ProviderId {
  const value = getTrusted('defaultProvider', scope);
  return isProviderId(value) ? value : 'sandbox';
}

export function generationDefaults(outputRoot: vscode.Uri, scope?: vscode.Uri): GenerationDefaults {
  return {
    outputRoot: outputRoot.toString(),
    providerId: defaultProvider(scope),
    modelFor: (providerId) => {
      const key = providerKey(providerId, 'defaultModel');
      return (key && (get(key, scope) as string)) || undefined;
    },
    outputFolder: getTrusted('output.folder', scope),
    nameTemplate: get('output.nameTemplate', scope),
  };
}

export interface ProviderSettings {
  readonly baseUrl: string;
  readonly options: ProviderOptions;
}

/** Where and how to reach a provider; request-routing values come from user settings only when untrusted. */
export function providerSettings(providerId: ProviderId): ProviderSettings {
  const trusted = <T>(name: string): T | undefined => {
    const key = providerKey(providerId, name);
    return key ? (getTrusted(key) as T) : undefined;
  };
  const plain = <T>(name: string): T | undefined => {
    const key = providerKey(providerId, name);
    return key ? (get(key) as T) : undefined;
  };
  return {
    baseUrl: trusted<string>('baseUrl') ?? '',
    options: {
      authScheme: trusted<string>('authScheme'),
      authHeader: trusted<string>('authHeader'),
      endpointId: trusted<string>('endpointId'),
      basePath: trusted<string>('basePath'),
      appId: trusted<string>('appId'),
      resultTtlSeconds: plain<number>('resultTtlSeconds'),
      runsync: plain<boolean>('runsync'),
      heldStatus: plain<boolean>('heldStatus'),
    },
  };
}

/** A sweep of more jobs than this asks before anything is submitted. */
export function sweepConfirmAbove(scope?: vscode.Uri): number {
  return get('sweep.confirmAbove', scope);
}

export function sandboxJobDurationMs(): number {
  return get('sandbox.jobDurationMs');
}

export function maxPollIntervalMs(): number {
  return Math.max(1, get('polling.maxIntervalSeconds')) * 1000;
}

export function onDidChange(listener: (event: vscode.ConfigurationChangeEvent) => void): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SECTION)) listener(event);
  });
}

/**
 * A value read from settings once, and again only after an imageJobs setting changed: for paths as
 * hot as every poll, where reading the configuration each time showed in the extension host's profile.
 */
export class SettingsValue<T> implements vscode.Disposable {
  private current: { value: T } | undefined;
  private readonly subscription = onDidChange(() => (this.current = undefined));

  constructor(private readonly read: () => T) {}

  get value(): T {
    return (this.current ??= { value: this.read() }).value;
  }

  dispose(): void {
    this.subscription.dispose();
  }
}
