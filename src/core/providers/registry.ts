// Every provider implementation by id.
import type { ProviderId } from '../jobModel';
import { bifrostProvider } from './bifrost';
import { photoGptProvider } from './photogpt';
import { sandboxProvider } from './sandbox';
import { serikaProvider } from './serika';
import { subModelProvider } from './submodel';
import { tamsProvider } from './tams';
import type { ImageProvider } from './types';

export const PROVIDER_IMPLEMENTATIONS: Readonly<Record<ProviderId, ImageProvider>> = {
  sandbox: sandboxProvider,
  serika: serikaProvider,
  tams: tamsProvider,
  bifrost: bifrostProvider,
  photogpt: photoGptProvider,
  submodel: subModelProvider,
};
