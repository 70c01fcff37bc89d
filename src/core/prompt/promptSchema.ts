// The schema of a `.prompt` file's front matter: which keys exist at each level and what their
// values may be. Syntax only: a provider's narrower limits are its `validate`'s (see promptCheck.ts).
import { z } from 'zod';
import { isWindowsDeviceName } from '../results/assetNaming';
import { generationParamsSchema } from '../generationParams';

/** A file's `config`: the generation parameters, plus what only a file says. */
export const configSchema = generationParamsSchema
  .extend({
    /** -1 asks for a random seed, as A1111 does; it is read as "no seed". */
    seed: z.number().int().min(-1).max(0xffffffff),
    /** `video` asks providers that make videos (PhotoGPT) for one. */
    kind: z.enum(['image', 'video']),
  })
  .partial()
  .strict();

export type PromptConfig = Readonly<z.infer<typeof configSchema>>;

export const CONFIG_KEYS = Object.keys(configSchema.shape) as readonly (keyof PromptConfig)[];

/** Dotprompt's own keys are allowed and ignored; anything else is probably a typo. */
export const TOP_LEVEL_KEYS = [
  'model',
  'config',
  'sweep',
  'input',
  'output',
  'metadata',
  'name',
  'variant',
  'description',
  'tools',
] as const;
export const INPUT_KEYS = ['default', 'schema'] as const;
export const OUTPUT_KEYS = ['folder', 'name'] as const;

const scalarValue = z.union([z.string(), z.number(), z.boolean()]);

export const MODEL_PATTERN = /^[a-z0-9-]+\/\S+$/;

export const frontMatterSchema = z
  .object({
    model: z.string().regex(MODEL_PATTERN, 'model must be "provider/model", for example "sandbox/landscape"'),
    config: configSchema,
    /** Read and checked value by value by sweepCheck.ts, for diagnostics on each value. */
    sweep: z.unknown(),
    input: z.object({ schema: z.unknown(), default: z.record(z.string(), scalarValue) }).partial(),
    output: z
      .object({
        folder: z
          .string()
          .min(1)
          .refine((value) => !isUnsafeRelativePath(value), 'output.folder must be a path inside the workspace')
          .refine(
            (value) => !value.split(/[\\/]/).some(isWindowsDeviceName),
            'output.folder names a Windows device (CON, NUL, COM1, LPT1, …), which cannot be a folder there',
          ),
        name: z.string().min(1),
      })
      .partial()
      .passthrough(),
  })
  .partial()
  .passthrough();

export type FrontMatterData = z.infer<typeof frontMatterSchema>;

export function isUnsafeRelativePath(path: string): boolean {
  return /^([a-zA-Z]:|[\\/])/.test(path) || path.split(/[\\/]/).includes('..');
}

/**
 * The config values whose type is right, whatever their range: what a provider's own limits are
 * checked on, so 10000 on TAMS gets TAMS's rule rather than the schema's generic bound.
 */
export function wellTypedConfig(raw: unknown): PromptConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return {};
  const typed: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) {
    const value = (raw as Record<string, unknown>)[key];
    const expected = key === 'sampler' || key === 'negativePrompt' || key === 'kind' ? 'string' : 'number';
    if (typeof value === expected && (expected === 'string' || Number.isFinite(value))) typed[key] = value;
  }
  if (typed.kind !== undefined && typed.kind !== 'image' && typed.kind !== 'video') delete typed.kind;
  return typed as PromptConfig;
}
