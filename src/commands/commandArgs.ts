// Parsers for what menus, the palette and scripts pass to commands. Each returns a typed value or
// throws ArgumentError naming what it expected; commands never cast their arguments.
import { z } from 'zod';
import { ArgumentError } from './commandRunner';

function parseWith<T>(schema: z.ZodType<T>, value: unknown, expected: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new ArgumentError(`Expected ${expected}, got ${describeValue(value)}.`);
  return result.data;
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object with ${Object.keys(value).slice(0, 5).join(', ') || 'no keys'}`;
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

/** Tree rows pass the job id; the gallery and scripts pass `{ jobId }`. */
export function parseJobId(args: readonly unknown[]): string {
  return parseWith(z.union([z.string().min(1), z.object({ jobId: z.string().min(1) }).transform((value) => value.jobId)]), args[0], 'a job id or { jobId }');
}

export interface InsertAssetArgs {
  readonly jobId: string;
  readonly index?: number;
}

export function parseInsertAsset(args: readonly unknown[]): InsertAssetArgs {
  return parseWith(z.object({ jobId: z.string().min(1), index: z.number().int().nonnegative().optional() }), args[0], '{ jobId, index? }');
}

/** `setApiKey` / `clearApiKey`: nothing (ask), `{ provider, key? }`, or the provider id alone. */
export interface KeyArgs {
  readonly provider?: string;
  readonly key?: string;
}

export function parseKeyArgs(args: readonly unknown[]): KeyArgs | undefined {
  return parseWith(
    z.union([z.undefined(), z.string().transform((provider) => ({ provider })), z.object({ provider: z.string().optional(), key: z.string().optional() })]),
    args[0],
    'nothing, a provider id, or { provider, key? }',
  );
}

export function parseConfirmed(args: readonly unknown[]): { confirmed?: boolean } | undefined {
  return parseWith(z.union([z.undefined(), z.object({ confirmed: z.boolean().optional() })]), args[0], 'nothing or { confirmed }');
}

export function parseImageId(args: readonly unknown[]): { imageId?: string } | undefined {
  return parseWith(z.union([z.undefined(), z.object({ imageId: z.string().optional() })]), args[0], 'nothing or { imageId }');
}

/** Scripted generation: `{ prompt }`. */
export function scriptedPrompt(value: unknown): string | undefined {
  const result = z.object({ prompt: z.string() }).safeParse(value);
  return result.success ? result.data.prompt : undefined;
}
