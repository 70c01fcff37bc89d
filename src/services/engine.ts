import type * as Engine from '../engine';

let loaded: typeof Engine | undefined;

/**
 * The engine bundle (parsing, HTTP, providers), required on first use so activation stays light.
 * esbuild leaves this require alone and ships dist/engine.js beside dist/extension.js.
 */
export function engine(): typeof Engine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('../engine') as typeof Engine);
}
