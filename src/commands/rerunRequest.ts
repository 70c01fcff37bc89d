// "Run Again" and "Run with a New Seed": the request a finished job is submitted again with.
import { randomInt } from 'node:crypto';
import type { GenerationRequest } from '../core/jobModel';

/** The largest seed the request schema accepts (generationParams.ts). */
export const MAX_SEED = 0xffffffff;

export function randomSeed(): number {
  return randomInt(0, MAX_SEED + 1);
}

/** The same request with `seed` in place of the old one (or of none: the provider chose it). */
export function withSeed(request: GenerationRequest, seed: number): GenerationRequest {
  return { ...request, params: { ...request.params, seed } };
}
