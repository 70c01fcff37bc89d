// Parses Dotprompt-style `.prompt` files: YAML front matter between `---` lines, then a body with
// `{{variable}}` placeholders. Syntax and schema only: what a provider accepts is checked by the
// caller's `checkRequest` (see promptCheck.ts), whose problems are shown where the value is written.
// Every problem, however malformed the input, comes back as a diagnostic with a range; a file with
// any error yields no prompt, so nothing is submitted.
import { parseDocument, type Node as YamlNode } from 'yaml';
import { z } from 'zod';
import { isWindowsDeviceName } from '../results/assetNaming';
import { generationParamsSchema } from './generationParams';
import type { ProviderId } from '../jobModel';
import { isProviderId, PROVIDER_IDS } from '../providers/catalog';
import { blockingProblems, type RequestProblem } from '../providers/types';
import { PLACEHOLDER } from './template';
import { LineIndex, type TextRange } from './textRange';
import { blamedAliasRange, nodeAt, toJavaScript } from './yamlNodes';

export type DiagnosticSeverity = 'error' | 'warning' | 'information';

export interface PromptDiagnostic {
  readonly message: string;
  readonly severity: DiagnosticSeverity;
  readonly range: TextRange;
}

/** A file's `config`: the generation parameters, plus what only a file says. */
const configSchema = generationParamsSchema
  .extend({
    /** -1 asks for a random seed, as A1111 does; it is read as "no seed". */
    seed: z.number().int().min(-1).max(0xffffffff),
    /** `video` asks providers that make videos (PhotoGPT) for one. */
    kind: z.enum(['image', 'video']),
  })
  .partial()
  .strict();

export type PromptConfig = Readonly<z.infer<typeof configSchema>>;

export interface PromptModel {
  readonly providerId: ProviderId;
  readonly model: string;
}

/** What a file asks a provider for, once its front matter passes the schema. */
export interface PromptSettings {
  readonly model: PromptModel;
  readonly config: PromptConfig;
}

export interface PromptFileChecks {
  /** Checks the request the file's own model and config make (provider limits); called only when the file names a model. */
  readonly checkRequest?: (settings: PromptSettings) => readonly RequestProblem[];
}

export interface VariableUse {
  readonly name: string;
  readonly range: TextRange;
}

export interface PromptFile {
  readonly model?: PromptModel;
  /** Seed -1 is already read as "no seed". */
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

const scalarValue = z.union([z.string(), z.number(), z.boolean()]);

const frontMatterSchema = z
  .object({
    model: z.string().regex(/^[a-z0-9-]+\/\S+$/, 'model must be "provider/model", for example "sandbox/landscape"'),
    config: configSchema,
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

export function parsePromptFile(source: string, checks: PromptFileChecks = {}): PromptParseResult {
  const lines = new LineIndex(source);
  try {
    return parseUnguarded(source, lines, checks);
  } catch (error) {
    // last resort: an editor's parser answers with a diagnostic whatever it is given
    const firstLineEnd = source.indexOf('\n');
    const message = `This file could not be read: ${error instanceof Error ? error.message : String(error)}`;
    return { diagnostics: [{ severity: 'error', message, range: lines.range(0, firstLineEnd < 0 ? source.length : firstLineEnd) }] };
  }
}

function parseUnguarded(source: string, lines: LineIndex, checks: PromptFileChecks): PromptParseResult {
  const diagnostics: PromptDiagnostic[] = [];
  const report = (severity: DiagnosticSeverity, message: string, start: number, end: number) =>
    diagnostics.push({ severity, message, range: lines.range(start, end) });

  const split = splitFrontMatter(source);
  if (split && 'unclosed' in split) {
    report('error', 'Front matter starts with "---" but has no closing "---" line.', 0, 3);
    return { diagnostics };
  }
  const frontMatter = split ?? { text: '', offset: 0, bodyOffset: 0 };
  const values = parseFrontMatter(frontMatter, report, checks);

  const template = source.slice(frontMatter.bodyOffset).trim();
  const bodyStart =
    frontMatter.bodyOffset + (source.slice(frontMatter.bodyOffset).length - source.slice(frontMatter.bodyOffset).trimStart().length);
  if (!template) {
    const at = Math.min(frontMatter.bodyOffset, Math.max(0, source.length - 1));
    report('error', 'The prompt body is empty: write the prompt text below the front matter.', at, source.length);
  }
  const variables = findVariables(source, frontMatter.bodyOffset, lines, report);
  if (!values) return { diagnostics };

  const { data, model, config } = values;
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

  return {
    diagnostics,
    prompt: {
      model,
      config,
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

interface FrontMatterValues {
  readonly data: z.infer<typeof frontMatterSchema>;
  readonly model?: PromptModel;
  readonly config: PromptConfig;
}

function parseFrontMatter(frontMatter: FrontMatter, report: Report, checks: PromptFileChecks): FrontMatterValues | undefined {
  if (!frontMatter.text.trim()) return { data: {}, config: {} };
  const document = parseDocument(frontMatter.text, { prettyErrors: false, uniqueKeys: true });
  for (const error of document.errors) {
    const [start, end] = error.pos;
    report('error', `YAML: ${error.message.split('\n')[0]}`, frontMatter.offset + start, frontMatter.offset + Math.max(end, start + 1));
  }
  for (const warning of document.warnings) {
    report('warning', `YAML: ${warning.message.split('\n')[0]}`, frontMatter.offset + warning.pos[0], frontMatter.offset + warning.pos[1]);
  }
  if (document.errors.length > 0) return undefined;

  const rootRange = () => [frontMatter.offset, frontMatter.offset + frontMatter.text.length] as const;
  const value = toJavaScript(document);
  if ('error' in value) {
    // an alias bomb or an alias without its anchor: refused here, shown on the first alias
    const alias = blamedAliasRange(document);
    report(
      'error',
      `YAML: ${value.error}`,
      ...(alias ? ([frontMatter.offset + alias[0], frontMatter.offset + alias[1]] as const) : rootRange()),
    );
    return undefined;
  }
  const data = value.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    report('error', 'Front matter must be a YAML mapping of keys such as model, config, input and output.', ...rootRange());
    return undefined;
  }

  const rangeOf = (path: readonly PropertyKey[], keyOnly = false): readonly [number, number] => {
    const node = nodeAt(document.contents as YamlNode, path, keyOnly);
    return node?.range ? [frontMatter.offset + node.range[0], frontMatter.offset + node.range[1]] : rootRange();
  };

  for (const key of Object.keys(data)) {
    if (!KNOWN_TOP_LEVEL_KEYS.has(key)) report('warning', `Unknown front matter key "${key}"; it is ignored.`, ...rangeOf([key], true));
  }

  const result = frontMatterSchema.safeParse(data);
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

  let model: PromptModel | undefined;
  if (result.data.model) {
    const slash = result.data.model.indexOf('/');
    const providerId = result.data.model.slice(0, slash);
    if (!isProviderId(providerId)) {
      report('error', `Unknown provider "${providerId}" in model; known providers: ${PROVIDER_IDS.join(', ')}.`, ...rangeOf(['model']));
      return undefined;
    }
    model = { providerId, model: result.data.model.slice(slash + 1) };
  }
  const config = withoutRandomSeed(result.data.config ?? {});
  if (model && checks.checkRequest) {
    const problems = checks.checkRequest({ model, config });
    for (const problem of problems) {
      // on the value when the file writes it, else on the model that sets the limit
      const path = pathOfField(problem.field);
      const written = nodeAt(document.contents as YamlNode, path, false) !== undefined;
      report(problem.severity ?? 'error', problem.message, ...rangeOf(written ? path : ['model']));
    }
    if (blockingProblems(problems).length > 0) return undefined;
  }
  return { data: result.data, model, config };
}

/** Seed -1 means "let the provider choose", which is no seed at all. */
function withoutRandomSeed(config: PromptConfig): PromptConfig {
  if (config.seed === undefined || config.seed >= 0) return config;
  const { seed: _random, ...rest } = config;
  return rest;
}

/** Where a request problem's field is written in the front matter. */
function pathOfField(field: RequestProblem['field']): readonly string[] {
  if (field === 'model') return ['model'];
  if (field === 'operation') return ['config', 'kind'];
  return ['config', field ?? ''];
}

const CONFIG_KEYS = Object.keys(configSchema.shape);

function suggestion(key: string): string {
  const normalized = key.toLowerCase().replace(/[_-]/g, '');
  const match = CONFIG_KEYS.find((candidate) => candidate.toLowerCase() === normalized);
  return match ? ` (did you mean "${match}"?)` : `; known keys: ${CONFIG_KEYS.join(', ')}`;
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
