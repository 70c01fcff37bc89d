// What a chat agent passes to the Image Jobs tools (imageJobs_generate, imageJobs_listImages), checked
// before anything is recorded, with messages a model can act on. package.json's `languageModelTools`
// describes the same fields to the model as JSON schemas; a unit test keeps the two in step. The
// generation bounds are generationParams.ts's: one definition. Engine bundle only (zod).
import { z } from 'zod';
import { generationParamsSchema } from '../generationParams';
import { describeIssue } from '../prompt/frontMatterValues';
import { isUnsafeRelativePath } from '../prompt/promptSchema';
import { isWindowsDeviceName } from '../results/assetNaming';

const SIZE_PATTERN = /^\s*(\d{1,6})\s*[x×]\s*(\d{1,6})\s*$/i;

/** A custom check, not min(1): its message is kept as written, where bounds are said in words. */
const nonEmpty = (message: string) =>
  z
    .string()
    .trim()
    .refine((value) => value.length > 0, message);

const workspacePath = (what: string) =>
  nonEmpty(`${what} is empty`)
    .refine((value) => !isUnsafeRelativePath(value), `${what} must be a path inside the workspace, relative to its folder`)
    .refine((value) => !value.split(/[\\/]/).some(isWindowsDeviceName), `${what} names a Windows device (CON, NUL, COM1, …)`);

export const generateImageInputSchema = z.strictObject({
  prompt: nonEmpty('prompt is empty: describe the image'),
  negativePrompt: nonEmpty('negativePrompt is empty: leave it out').optional(),
  model: nonEmpty('model is empty: leave it out for the default').optional(),
  size: z.string().regex(SIZE_PATTERN, 'size must be "WIDTHxHEIGHT", for example "1024x768"').optional(),
  count: generationParamsSchema.shape.count,
  seed: generationParamsSchema.shape.seed,
  outputFolder: workspacePath('outputFolder').optional(),
  /** A workspace-relative path, or a file URI, of the document the image goes into; it need not exist yet. */
  targetDocument: nonEmpty('targetDocument is empty: leave it out').optional(),
});

export const listImagesInputSchema = z.strictObject({
  query: z.string().trim().optional(),
  model: z.string().trim().optional(),
  limit: z.number().int().min(1).max(100).optional(),
  targetDocument: nonEmpty('targetDocument is empty: leave it out').optional(),
});

export type ListImagesInput = z.infer<typeof listImagesInputSchema>;

export interface GenerateImageInput {
  readonly prompt: string;
  readonly negativePrompt?: string;
  readonly model?: string;
  readonly width?: number;
  readonly height?: number;
  readonly count?: number;
  readonly seed?: number;
  readonly outputFolder?: string;
  readonly targetDocument?: string;
}

export type ToolInput<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly string[] };

/** One line a problem, each naming the input it is about, in the words `.prompt` diagnostics use. */
function problemsOf(error: z.ZodError, raw: unknown, fields: readonly string[]): string[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys')
      return `unknown input ${issue.keys.map((key) => `"${key}"`).join(', ')}: the tool takes ${fields.join(', ')}`;
    const field = issue.path.map(String).join('.');
    const value = !field ? raw : raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[field] : undefined;
    if (field && issue.code === 'invalid_type' && value === undefined) return `${field} is required`;
    const message = describeIssue(issue, value);
    return field && !message.startsWith(field) ? `${field}: ${message}` : message;
  });
}

function parsed<S extends z.ZodObject>(schema: S, raw: unknown): ToolInput<z.infer<S>> {
  const result = schema.safeParse(raw ?? {});
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: problemsOf(result.error, raw, Object.keys(schema.shape)) };
}

export function parseGenerateImageInput(raw: unknown): ToolInput<GenerateImageInput> {
  const result = parsed(generateImageInputSchema, raw);
  if (!result.ok) return result;
  const { size, ...rest } = result.value;
  if (size === undefined) return { ok: true, value: rest };
  const [, width, height] = SIZE_PATTERN.exec(size)!.map(Number);
  const dimensions = generationParamsSchema.pick({ width: true, height: true }).safeParse({ width, height });
  if (!dimensions.success)
    return { ok: false, problems: problemsOf(dimensions.error, { width, height }, []).map((problem) => `size: ${problem}`) };
  return { ok: true, value: { ...rest, width, height } };
}

export function parseListImagesInput(raw: unknown): ToolInput<ListImagesInput> {
  return parsed(listImagesInputSchema, raw);
}
