// Parsers for what menus, the palette and scripts pass to commands. Each returns a typed value or
// throws ArgumentError naming what it expected; commands never cast their arguments. Plain checks,
// not zod: this file is in the bundle loaded at activation, which stays small (zod is in the engine).
import { isMoreRow } from '../views/jobsTreeModel';
import { ArgumentError } from './commandRunner';

type Fields = Readonly<Record<string, unknown>>;

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return `an object with ${Object.keys(value).slice(0, 5).join(', ') || 'no keys'}`;
  return `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

function refuse(expected: string, value: unknown): never {
  throw new ArgumentError(`Expected ${expected}, got ${describeValue(value)}.`);
}

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when every listed field is absent or of its type. */
function optional(value: Fields, types: Record<string, 'string' | 'boolean' | 'number'>): boolean {
  return Object.entries(types).every(([key, type]) => value[key] === undefined || typeof value[key] === type);
}

/** Tree rows pass the job id; the gallery and scripts pass `{ jobId }`. */
export function parseJobId(args: readonly unknown[]): string {
  const [value] = args;
  if (typeof value === 'string' && value) return value;
  if (isObject(value) && typeof value.jobId === 'string' && value.jobId) return value.jobId;
  return refuse('a job id or { jobId }', value);
}

/** Like parseJobId, but nothing is allowed: a key binding (Delete) acts on the view's selection. */
export function parseOptionalJobId(args: readonly unknown[]): string | undefined {
  return args[0] === undefined ? undefined : parseJobId(args);
}

/** A batch row passes its key (`batch:<id>`); scripts pass `{ batchId }`. Returns the batch id. */
export function parseBatchId(args: readonly unknown[]): string {
  const [value] = args;
  if (typeof value === 'string' && value.startsWith('batch:') && value.length > 'batch:'.length) return value.slice('batch:'.length);
  if (isObject(value) && typeof value.batchId === 'string' && value.batchId) return value.batchId;
  return refuse('a batch row or { batchId }', value);
}

/** A script's `confirmed` beside the id it names: present only when given, and then a boolean. */
function confirmedOf(value: unknown, expected: string): { readonly confirmed?: boolean } {
  if (!isObject(value) || value.confirmed === undefined) return {};
  return typeof value.confirmed === 'boolean' ? { confirmed: value.confirmed } : refuse(expected, value);
}

/**
 * Cancel Batch: a batch row (asks first), or `{ batchId, confirmed? }` from scripts, which skip the
 * confirmation with `confirmed: true` as Cancel All Unfinished Jobs' `{ confirmed }` does.
 */
export function parseBatchCancel(args: readonly unknown[]): { readonly batchId: string; readonly confirmed?: boolean } {
  return { batchId: parseBatchId(args), ...confirmedOf(args[0], 'a batch row or { batchId, confirmed? }') };
}

/**
 * Retry: a job id (asks first when the job may be at its provider already: sendAgain.ts), or
 * `{ jobId, confirmed? }` from scripts, which send it again without asking with `confirmed: true`.
 */
export function parseJobRetry(args: readonly unknown[]): { readonly jobId: string; readonly confirmed?: boolean } {
  return { jobId: parseJobId(args), ...confirmedOf(args[0], 'a job id or { jobId, confirmed? }') };
}

/** The Jobs view's "Show more" row passes itself. */
export function parseMoreRow(args: readonly unknown[]): string {
  const [value] = args;
  if (typeof value === 'string' && isMoreRow(value)) return value;
  return refuse('a "Show more" row of the Jobs view', value);
}

export interface InsertAssetArgs {
  readonly jobId: string;
  readonly index?: number;
}

export function parseInsertAsset(args: readonly unknown[]): InsertAssetArgs {
  const [value] = args;
  const index = isObject(value) ? value.index : undefined;
  if (
    isObject(value) &&
    typeof value.jobId === 'string' &&
    value.jobId &&
    (index === undefined || (Number.isInteger(index) && (index as number) >= 0))
  ) {
    return { jobId: value.jobId, index: index as number | undefined };
  }
  return refuse('{ jobId, index? }', value);
}

/** `setApiKey` / `clearApiKey`: nothing (ask), `{ provider, key? }`, or the provider id alone. */
export interface KeyArgs {
  readonly provider?: string;
  readonly key?: string;
  /** Why the key is asked for (Generate, a failed job's toast): shown in the input box. */
  readonly reason?: string;
}

export function parseKeyArgs(args: readonly unknown[]): KeyArgs | undefined {
  const [value] = args;
  if (value === undefined) return undefined;
  if (typeof value === 'string') return { provider: value };
  if (isObject(value) && optional(value, { provider: 'string', key: 'string', reason: 'string' }))
    return {
      provider: value.provider as string | undefined,
      key: value.key as string | undefined,
      ...(value.reason === undefined ? {} : { reason: value.reason as string }),
    };
  return refuse('nothing, a provider id, or { provider, key?, reason? }', value);
}

export function parseConfirmed(args: readonly unknown[]): { confirmed?: boolean } | undefined {
  const [value] = args;
  if (value === undefined) return undefined;
  if (isObject(value) && optional(value, { confirmed: 'boolean' })) return { confirmed: value.confirmed as boolean | undefined };
  return refuse('nothing or { confirmed }', value);
}

export function parseImageId(args: readonly unknown[]): { imageId?: string } | undefined {
  const [value] = args;
  if (value === undefined) return undefined;
  if (isObject(value) && optional(value, { imageId: 'string' })) return { imageId: value.imageId as string | undefined };
  return refuse('nothing or { imageId }', value);
}

/** Scripted generation: `{ prompt }`. */
export function scriptedPrompt(value: unknown): string | undefined {
  return isObject(value) && typeof value.prompt === 'string' ? value.prompt : undefined;
}

/** An image file named by a script or the gallery: `{ uri }` (a URI string) or `{ path }` (workspace-relative or absolute). */
export interface AssetFileArgs {
  readonly uri?: string;
  readonly path?: string;
  /** Skips the modal confirmation (scripts and tests), as purgeQueue's `{ confirmed }` does. */
  readonly confirmed?: boolean;
  /** Where the file system has no trash (VS Code in a browser), delete for good instead of keeping the files. */
  readonly permanentIfNoTrash?: boolean;
}

export function parseAssetFile(args: readonly unknown[]): AssetFileArgs {
  const [value] = args;
  if (
    isObject(value) &&
    optional(value, { uri: 'string', path: 'string', confirmed: 'boolean', permanentIfNoTrash: 'boolean' }) &&
    (value.uri || value.path)
  ) {
    return {
      uri: value.uri as string | undefined,
      path: value.path as string | undefined,
      confirmed: value.confirmed as boolean | undefined,
      ...(value.permanentIfNoTrash !== undefined ? { permanentIfNoTrash: value.permanentIfNoTrash as boolean } : {}),
    };
  }
  return refuse('{ uri } or { path }, with confirmed? and permanentIfNoTrash?', value);
}

/** `insertAsset` takes a job's asset (`{ jobId, index? }`) or a file (`{ uri }` / `{ path }`): a file on disk may have no job. */
export type InsertTarget =
  { readonly kind: 'job'; readonly args: InsertAssetArgs } | { readonly kind: 'file'; readonly file: AssetFileArgs };

export function parseInsertTarget(args: readonly unknown[]): InsertTarget {
  const [value] = args;
  if (isObject(value) && value.jobId === undefined && (value.uri !== undefined || value.path !== undefined)) {
    return { kind: 'file', file: parseAssetFile(args) };
  }
  try {
    return { kind: 'job', args: parseInsertAsset(args) };
  } catch {
    return refuse('{ jobId, index? }, { uri } or { path }', value);
  }
}
