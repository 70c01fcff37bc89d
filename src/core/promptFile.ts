// Parses Dotprompt-style `.prompt` files: YAML front matter between `---` lines, then a body with
// `{{variable}}` placeholders. Every problem comes back as a diagnostic with a range; a file with
// any error yields no prompt, so nothing is submitted.
import { isMap, isPair, isScalar, parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { type GenerationRequest, type ProviderId } from './jobModel';
import { PROVIDER_IMPLEMENTATIONS } from './providers/registry';
import { isProviderId, PROVIDER_IDS, SANDBOX_MODELS } from './providers/catalog';
import { PLACEHOLDER } from './template';
import { LineIndex, type TextRange } from './textRange';

export type DiagnosticSeverity = 'error' | 'warning' | 'information';

export interface PromptDiagnostic {
  readonly message: string;
  readonly severity: DiagnosticSeverity;
  readonly range: TextRange;
}

export interface PromptConfig {
  readonly width?: number;
  readonly height?: number;
  readonly steps?: number;
  readonly cfgScale?: number;
  readonly sampler?: string;
  readonly seed?: number;
  readonly negativePrompt?: string;
  readonly count?: number;
  /** `video` asks providers that make videos (PhotoGPT) for one. */
  readonly kind?: 'image' | 'video';
}

export interface VariableUse {
  readonly name: string;
  readonly range: TextRange;
}

export interface PromptFile {
  readonly model?: { readonly providerId: ProviderId; readonly model: string };
  readonly config: PromptConfig;
  readonly inputDefaults: Readonly<Record<string, string>>;
  readonly output: { readonly folder?: string; readonly name?: string };
  /** The body, placeholders not yet filled. */
  readonly template: string;
  readonly variables: readonly VariableUse[];
  /** Variables used in the body that have no default: the user must supply them. */
  readonly missingVariables: readonly string[];
  /** Line of the body's first line (for CodeLens and messages). */
  readonly bodyStartLine: number;
}

export interface PromptParseResult {
  readonly prompt?: PromptFile;
  readonly diagnostics: readonly PromptDiagnostic[];
}

const KNOWN_TOP_LEVEL_KEYS = new Set(['model', 'config', 'input', 'output', 'metadata', 'name', 'variant', 'description', 'tools']);

const configSchema = z
  .object({
    width: z.number().int().min(64).max(4096),
    height: z.number().int().min(64).max(4096),
    steps: z.number().int().min(1).max(200),
    cfgScale: z.number().min(0).max(50),
    sampler: z.string().min(1),
    seed: z.number().int().min(-1).max(0xffffffff),
    negativePrompt: z.string(),
    count: z.number().int().min(1).max(10),
    kind: z.enum(['image', 'video']),
  })
  .partial()
  .strict();

const scalarValue = z.union([z.string(), z.number(), z.boolean()]);

const frontMatterSchema = z
  .object({
    model: z.string().regex(/^[a-z0-9-]+\/\S+$/, 'model must be "provider/model", for example "sandbox/landscape"'),
    config: configSchema,
    input: z.object({ schema: z.unknown(), default: z.record(z.string(), scalarValue) }).partial(),
    output: z
      .object({
        folder: z.string().min(1).refine((value) => !isUnsafeRelativePath(value), 'output.folder must be a path inside the workspace'),
        name: z.string().min(1),
      })
      .partial()
      .passthrough(),
  })
  .partial()
  .passthrough();

export function isUnsafeRelativePath(path: string): boolean {
  return /^([a-zA-Z]:|[\\/])/.test(path) || path.split(/[\\/]/).includes('..');
}

export { renderTemplate } from './template';

interface FrontMatter {
  readonly text: string;
  readonly offset: number;
  readonly bodyOffset: number;
}

/** Finds the `---` fenced front matter; `undefined` text means the file has none. */
function splitFrontMatter(source: string): FrontMatter | { readonly unclosed: true } | undefined {
  const opening = /^\uFEFF?---[ \t]*\r?\n/.exec(source);
  if (!opening) return undefined;
  const closing = /^---[ \t]*(\r?\n|$)/m;
  const rest = source.slice(opening[0].length);
  const match = closing.exec(rest);
  if (!match) return { unclosed: true };
  return {
    text: rest.slice(0, match.index),
    offset: opening[0].length,
    bodyOffset: opening[0].length + match.index + match[0].length,
  };
}

export function parsePromptFile(source: string): PromptParseResult {
  const lines = new LineIndex(source);
  const diagnostics: PromptDiagnostic[] = [];
  const report = (severity: DiagnosticSeverity, message: string, start: number, end: number) =>
    diagnostics.push({ severity, message, range: lines.range(start, end) });

  const split = splitFrontMatter(source);
  if (split && 'unclosed' in split) {
    report('error', 'Front matter starts with "---" but has no closing "---" line.', 0, 3);
    return { diagnostics };
  }
  const frontMatter = split ?? { text: '', offset: 0, bodyOffset: 0 };
  const data = parseFrontMatter(frontMatter, report);

  const template = source.slice(frontMatter.bodyOffset).trim();
  const bodyStart = frontMatter.bodyOffset + (source.slice(frontMatter.bodyOffset).length - source.slice(frontMatter.bodyOffset).trimStart().length);
  if (!template) {
    const at = Math.min(frontMatter.bodyOffset, Math.max(0, source.length - 1));
    report('error', 'The prompt body is empty: write the prompt text below the front matter.', at, source.length);
  }
  const variables = findVariables(source, frontMatter.bodyOffset, lines, report);
  if (!data) return { diagnostics };

  const inputDefaults = Object.fromEntries(Object.entries(data.input?.default ?? {}).map(([key, value]) => [key, String(value)]));
  const missing = [...new Set(variables.map((use) => use.name))].filter((name) => !(name in inputDefaults));
  for (const use of variables) {
    if (!(use.name in inputDefaults)) {
      diagnostics.push({
        severity: 'information',
        message: `"{{${use.name}}}" has no default in input.default: you will be asked for it when generating.`,
        range: use.range,
      });
    }
  }
  if (diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return { diagnostics };

  const [providerId, ...modelParts] = data.model?.split('/') ?? [];
  const { seed, ...config } = data.config ?? {};
  return {
    diagnostics,
    prompt: {
      model: providerId ? { providerId: providerId as ProviderId, model: modelParts.join('/') } : undefined,
      config: { ...config, seed: seed === undefined || seed < 0 ? undefined : seed },
      inputDefaults,
      output: { folder: data.output?.folder, name: data.output?.name },
      template,
      variables,
      missingVariables: missing,
      bodyStartLine: lines.position(bodyStart).line,
    },
  };
}

type Report = (severity: DiagnosticSeverity, message: string, start: number, end: number) => void;

function parseFrontMatter(frontMatter: FrontMatter, report: Report): z.infer<typeof frontMatterSchema> | undefined {
  if (!frontMatter.text.trim()) return {};
  const document = parseDocument(frontMatter.text, { prettyErrors: false, uniqueKeys: true });
  for (const error of document.errors) {
    const [start, end] = error.pos;
    report('error', `YAML: ${error.message.split('\n')[0]}`, frontMatter.offset + start, frontMatter.offset + Math.max(end, start + 1));
  }
  for (const warning of document.warnings) {
    report('warning', `YAML: ${warning.message.split('\n')[0]}`, frontMatter.offset + warning.pos[0], frontMatter.offset + warning.pos[1]);
  }
  if (document.errors.length > 0) return undefined;

  const value: unknown = document.toJS();
  const rootRange = () => [frontMatter.offset, frontMatter.offset + frontMatter.text.length] as const;
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    report('error', 'Front matter must be a YAML mapping of keys such as model, config, input and output.', ...rootRange());
    return undefined;
  }

  const rangeOf = (path: readonly PropertyKey[], keyOnly = false): readonly [number, number] => {
    const node = nodeAt(document.contents as YamlNode, path, keyOnly);
    return node?.range ? [frontMatter.offset + node.range[0], frontMatter.offset + node.range[1]] : rootRange();
  };

  for (const key of Object.keys(value)) {
    if (!KNOWN_TOP_LEVEL_KEYS.has(key)) report('warning', `Unknown front matter key "${key}"; it is ignored.`, ...rangeOf([key], true));
  }

  const result = frontMatterSchema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          report('error', `Unknown key "${key}" in ${issue.path.join('.')}${suggestion(key)}.`, ...rangeOf([...issue.path, key], true));
        }
      } else {
        report('error', `${issue.path.join('.') || 'front matter'}: ${issue.message}`, ...rangeOf(issue.path));
      }
    }
    return undefined;
  }

  const model = result.data.model;
  if (model) {
    const [providerId, name] = [model.slice(0, model.indexOf('/')), model.slice(model.indexOf('/') + 1)];
    if (!isProviderId(providerId)) {
      report('error', `Unknown provider "${providerId}" in model; known providers: ${PROVIDER_IDS.join(', ')}.`, ...rangeOf(['model']));
      return undefined;
    }
    if (providerId === 'sandbox' && !(SANDBOX_MODELS as readonly string[]).includes(name)) {
      report('error', `The Sandbox has no model "${name}"; use one of: ${SANDBOX_MODELS.map((m) => `sandbox/${m}`).join(', ')}.`, ...rangeOf(['model']));
      return undefined;
    }
    // the provider's documented limits, shown where the value is written
    const { kind, seed, ...config } = result.data.config ?? {};
    const request: GenerationRequest = {
      providerId,
      model: name,
      prompt: '',
      params: { ...config, seed: seed === undefined || seed < 0 ? undefined : seed },
      operation: kind === 'video' ? { kind: 'video' } : undefined,
    };
    const problems = [...(PROVIDER_IMPLEMENTATIONS[providerId].validate?.(request) ?? [])];
    if (kind === 'video' && providerId !== 'photogpt') problems.push({ field: 'operation', message: `${providerId} does not make videos (PhotoGPT does)` });
    for (const problem of problems) {
      const path = problem.field === 'model' ? ['model'] : problem.field === 'operation' ? ['config', 'kind'] : ['config', problem.field ?? ''];
      const written = nodeAt(document.contents as YamlNode, path, false) !== undefined;
      report('error', problem.message, ...rangeOf(written ? path : ['model']));
    }
    if (problems.length > 0) return undefined;
  }
  return result.data;
}

const CONFIG_KEYS = Object.keys(configSchema.shape);

function suggestion(key: string): string {
  const normalized = key.toLowerCase().replace(/[_-]/g, '');
  const match = CONFIG_KEYS.find((candidate) => candidate.toLowerCase() === normalized);
  return match ? ` (did you mean "${match}"?)` : `; known keys: ${CONFIG_KEYS.join(', ')}`;
}

function nodeAt(root: YamlNode | null, path: readonly PropertyKey[], keyOnly: boolean): YamlNode | undefined {
  let current: unknown = root;
  for (let i = 0; i < path.length; i++) {
    if (!isMap(current)) return undefined;
    const pair = current.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(path[i]));
    if (!pair) return undefined;
    const isLast = i === path.length - 1;
    if (isLast && keyOnly) return pair.key as YamlNode;
    current = pair.value ?? pair.key;
  }
  return current as YamlNode;
}

function findVariables(source: string, bodyOffset: number, lines: LineIndex, report: Report): VariableUse[] {
  const body = source.slice(bodyOffset);
  const uses: VariableUse[] = [];
  for (const match of body.matchAll(PLACEHOLDER)) {
    const start = bodyOffset + match.index!;
    const end = start + match[0].length;
    const name = match[1]!;
    if (!/^[A-Za-z_][\w.-]*$/.test(name)) {
      report('error', `"${match[0]}" is not supported: use plain {{variable}} placeholders (no helpers or blocks).`, start, end);
    } else {
      uses.push({ name, range: lines.range(start, end) });
    }
  }
  const withoutPlaceholders = body.replace(PLACEHOLDER, (whole) => ' '.repeat(whole.length));
  for (const stray of withoutPlaceholders.matchAll(/\{\{|\}\}/g)) {
    const start = bodyOffset + stray.index!;
    report('error', `Unbalanced "${stray[0]}": placeholders are written {{name}}.`, start, start + 2);
  }
  return uses;
}
