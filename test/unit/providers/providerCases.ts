// One entry per provider: how to start its loopback server, reach it, and what a valid request is.
import { HttpClient } from '../../../src/core/http';
import { JobManager, type ProviderAccess } from '../../../src/core/jobs/jobManager';
import type { GenerationRequest, OutputTarget } from '../../../src/core/jobModel';
import { JobStore } from '../../../src/core/jobs/jobStore';
import { bifrostProvider } from '../../../src/core/providers/bifrost';
import { photoGptProvider } from '../../../src/core/providers/photogpt';
import { serikaProvider } from '../../../src/core/providers/serika';
import { subModelProvider } from '../../../src/core/providers/submodel';
import { tamsProvider } from '../../../src/core/providers/tams';
import type { ImageProvider, ProviderContext, ProviderOptions } from '../../../src/core/providers/types';
import { BifrostServer } from '../../fixtures/providers/bifrostServer';
import type { FakeProviderServer } from '../../fixtures/providers/fakeServer';
import { PhotoGptServer } from '../../fixtures/providers/photoGptServer';
import { SerikaServer } from '../../fixtures/providers/serikaServer';
import { SubModelServer } from '../../fixtures/providers/subModelServer';
import { TamsServer } from '../../fixtures/providers/tamsServer';
import { collectingLogger, fastPolls, fileSink, memoryPersistence, rootUri, tempDir } from '../helpers';

export const http = new HttpClient({ timeoutMs: 400 });

export interface ProviderCase<S extends FakeProviderServer = FakeProviderServer> {
  readonly name: string;
  readonly provider: ImageProvider;
  readonly createServer: () => S;
  readonly baseUrl: (server: S) => string;
  readonly options?: (server: S) => ProviderOptions;
  readonly request: GenerationRequest;
  readonly submitRoute: readonly [string, RegExp];
  readonly pollRoute: readonly [string, RegExp];
  /** Results come inside the job body (b64_json), so no file is downloaded. */
  readonly inlineResults?: boolean;
}

const base = { prompt: 'a lighthouse at dusk', params: { width: 64, height: 64, count: 1, seed: 9, steps: 20, cfgScale: 7 } };

export const PROVIDER_CASES: ProviderCase[] = [
  {
    name: 'Serika',
    provider: serikaProvider,
    createServer: () => new SerikaServer(),
    baseUrl: (server) => (server as SerikaServer).baseUrl,
    request: { ...base, providerId: 'serika', model: 'flux-schnell' },
    submitRoute: ['POST', /\/jobs\/images$/],
    pollRoute: ['GET', /\/jobs(\/|$)/],
  },
  {
    name: 'TAMS',
    provider: tamsProvider,
    createServer: () => new TamsServer(),
    baseUrl: (server) => server.url,
    request: { ...base, providerId: 'tams', model: '600423083519508503', params: { ...base.params, width: 512, height: 768, count: 2 } },
    submitRoute: ['POST', /^\/v1\/jobs$/],
    pollRoute: ['GET', /^\/v1\/jobs\//],
  },
  {
    name: 'Bifrost',
    provider: bifrostProvider,
    createServer: () => new BifrostServer(),
    baseUrl: (server) => server.url,
    options: () => ({ resultTtlSeconds: 600 }),
    inlineResults: true,
    // a request dall-e-3 accepts: one of its sizes, no cfgScale (Bifrost has no such field)
    request: { ...base, providerId: 'bifrost', model: 'openai/dall-e-3', params: { width: 1024, height: 1024, count: 1, seed: 9 } },
    submitRoute: ['POST', /\/v1\/async\/images\/generations$/],
    pollRoute: ['GET', /\/v1\/async\/images\/generations\//],
  },
  {
    name: 'PhotoGPT',
    provider: photoGptProvider,
    createServer: () => new PhotoGptServer(),
    baseUrl: (server) => (server as PhotoGptServer).baseUrl,
    request: { ...base, providerId: 'photogpt', model: 'model-abc' },
    submitRoute: ['POST', /\/api\/images\/generation$/],
    pollRoute: ['GET', /\/api\/jobs\//],
  },
  {
    name: 'SubModel',
    provider: subModelProvider,
    createServer: () => new SubModelServer(),
    baseUrl: (server) => server.url,
    options: (server) => ({ endpointId: (server as SubModelServer).endpointId, basePath: '/v1/sl', authHeader: 'x-apikey' }),
    // the document's worker reads only the prompt and answers one image ([{image, seed}])
    request: { ...base, providerId: 'submodel', model: '' },
    submitRoute: ['POST', /\/run$/],
    pollRoute: ['POST', /\/status\//],
  },
];

export function contextFor(
  providerCase: ProviderCase,
  server: FakeProviderServer,
  overrides: Partial<ProviderContext> = {},
): ProviderContext {
  return { http, baseUrl: providerCase.baseUrl(server), apiKey: server.apiKey, options: providerCase.options?.(server), ...overrides };
}

export function managerFor(
  providerCase: ProviderCase,
  server: FakeProviderServer,
  overrides: Partial<ProviderContext> = {},
  persistence = memoryPersistence(),
) {
  const store = new JobStore(persistence);
  const access: ProviderAccess = async () => ({ provider: providerCase.provider, context: contextFor(providerCase, server, overrides) });
  const log = collectingLogger();
  const manager = new JobManager(store, access, fileSink, log, { pollPolicy: fastPolls, maxDownloadAttempts: 4 });
  return { store, manager, log, persistence };
}

export function outputIn(dir = tempDir()): OutputTarget & { dir: string } {
  return { dir, root: rootUri(dir), folder: 'out', nameTemplate: '{{name}}-{{seed}}-{{index}}', baseName: 'job' };
}
