// Checks a `.prompt` file's front matter and reports every problem in one pass: YAML, unknown keys
// (with "did you mean"), schema, the model's provider, and the provider's own limits. A value the
// provider has a rule for is judged by that rule, not by the schema's generic bound.
import { parseDocument, type Node as YamlNode } from 'yaml';
import type { z } from 'zod';
import type { ProviderId } from '../jobModel';
import { isProviderId, PROVIDER_IDS, SANDBOX_MODELS } from '../providers/catalog';
import { blockingProblems, type RequestProblem } from '../providers/types';
import { replaceWith, type DiagnosticSeverity, type PromptFix } from './promptDiagnostic';
import {
  CONFIG_KEYS,
  frontMatterSchema,
  INPUT_KEYS,
  MODEL_PATTERN,
  OUTPUT_KEYS,
  TOP_LEVEL_KEYS,
  wellTypedConfig,
  type FrontMatterData,
  type PromptConfig,
} from './promptSchema';
import { withProviderName } from './providerMessages';
import { closestName, didYouMean } from './suggestions';
import { blamedAliasRange, nodeAt, toJavaScript } from './yamlNodes';

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

export interface FrontMatter {
  readonly text: string;
  readonly offset: number;
  readonly bodyOffset: number;
}

export type Report = (severity: DiagnosticSeverity, message: string, start: number, end: number, fix?: PromptFix) => void;

export interface FrontMatterOutcome {
  /** Present only when nothing blocks a submission. */
  readonly valid?: { readonly data: FrontMatterData; readonly model?: PromptModel; readonly config: PromptConfig };
  /** input.default as far as it can be read, for the body's variables (even when other keys are wrong). */
  readonly inputDefaults?: Readonly<Record<string, string>>;
  /** The file's `model:` value and the provider it names, for checks the editor adds (API keys, base URLs). */
  readonly modelAt?: { readonly providerId: ProviderId; readonly start: number; readonly end: number };
}

const KEYS_AT: Readonly<Record<string, readonly string[]>> = {
  '': TOP_LEVEL_KEYS,
  config: CONFIG_KEYS,
  input: INPUT_KEYS,
  output: OUTPUT_KEYS,
};

export function checkFrontMatter(frontMatter: FrontMatter, report: Report, checks: PromptFileChecks): FrontMatterOutcome {
  if (!frontMatter.text.trim()) return { valid: { data: {}, config: {} }, inputDefaults: {} };
  const document = parseDocument(frontMatter.text, { prettyErrors: false, uniqueKeys: true });
  for (const error of document.errors) {
    const [start, end] = error.pos;
    report('error', `YAML: ${error.message.split('\n')[0]}`, frontMatter.offset + start, frontMatter.offset + Math.max(end, start + 1));
  }
  for (const warning of document.warnings) {
    report('warning', `YAML: ${warning.message.split('\n')[0]}`, frontMatter.offset + warning.pos[0], frontMatter.offset + warning.pos[1]);
  }
  if (document.errors.length > 0) return {};

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
    return {};
  }
  const data = value.data;
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    report('error', 'Front matter must be a YAML mapping of keys such as model, config, input and output.', ...rootRange());
    return {};
  }
  const raw = data as Record<string, unknown>;
  const rangeOf = (path: readonly PropertyKey[], keyOnly = false): readonly [number, number] => {
    const node = nodeAt(document.contents as YamlNode, path, keyOnly);
    return node?.range ? [frontMatter.offset + node.range[0], frontMatter.offset + node.range[1]] : rootRange();
  };
  const isWritten = (path: readonly PropertyKey[]) => nodeAt(document.contents as YamlNode, path, false) !== undefined;

  for (const key of Object.keys(raw)) {
    if ((TOP_LEVEL_KEYS as readonly string[]).includes(key)) continue;
    const near = closestName(key, TOP_LEVEL_KEYS);
    const message = `Unknown front matter key "${key}"; it is ignored${near ? `: ${didYouMean(near)}` : '.'}`;
    report('warning', message, ...rangeOf([key], true), near ? replaceWith(near) : undefined);
  }

  const parsed = frontMatterSchema.safeParse(raw);
  let blocked = !parsed.success;
  const model = readModel(raw.model, rangeOf(['model']), report);
  if (model && 'error' in model) blocked = true;
  const settings = model && !('error' in model) ? model : undefined;
  const config = withoutRandomSeed(parsed.success ? (parsed.data.config ?? {}) : wellTypedConfig(raw.config));
  const problems = settings && checks.checkRequest ? checks.checkRequest({ model: settings, config }) : [];
  // a provider's own rule replaces the schema's generic bound on a field; a warning does not (it blocks nothing)
  const judgedByProvider = new Set(blockingProblems(problems).map((problem) => pathOfField(problem.field).join('.')));

  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) reportUnknownKey(key, path, report, rangeOf([...path, key], true));
      } else if (!judgedByProvider.has(path.join('.'))) {
        report('error', `${path.join('.') || 'front matter'}: ${describeIssue(issue, valueAt(raw, path))}`, ...rangeOf(path));
      }
    }
  }
  for (const problem of problems) {
    // on the value when the file writes it, else on the model that sets the limit
    const path = pathOfField(problem.field);
    const message = withProviderName(settings!.providerId, problem.message);
    report(problem.severity ?? 'error', message, ...rangeOf(isWritten(path) ? path : ['model']), sandboxModelFix(settings!, problem));
  }
  if (blockingProblems(problems).length > 0) blocked = true;

  const [modelStart, modelEnd] = rangeOf(['model']);
  return {
    valid: blocked || !parsed.success ? undefined : { data: parsed.data, model: settings, config },
    inputDefaults: readDefaults(raw.input),
    modelAt: settings && isWritten(['model']) ? { providerId: settings.providerId, start: modelStart, end: modelEnd } : undefined,
  };
}

function reportUnknownKey(key: string, path: readonly string[], report: Report, range: readonly [number, number]): void {
  const known = KEYS_AT[path.join('.')] ?? [];
  const near = closestName(key, known);
  const where = path.join('.') || 'front matter';
  const advice = near ? `: ${didYouMean(near)}` : known.length ? `; known keys: ${known.join(', ')}` : '';
  report('error', `Unknown key "${key}" in ${where}${advice}`, ...range, near ? replaceWith(near) : undefined);
}

/** The schema's bounds in words; the rest as zod says them. */
export function describeIssue(issue: z.core.$ZodIssue, value?: unknown): string {
  // zod's own wording ("Invalid input: expected number, received string") reads as a stack trace
  if (issue.code === 'invalid_type') {
    const written = value === undefined ? '' : `, got ${JSON.stringify(value)?.slice(0, 40) ?? String(value)}`;
    const expected = issue.expected === 'int' ? 'a whole number' : issue.expected === 'object' ? 'a map of keys' : `a ${issue.expected}`;
    return `expected ${expected}${written}`;
  }
  if (issue.code === 'too_big') return `at most ${String(issue.maximum)}${issue.inclusive === false ? ' (exclusive)' : ''}`;
  if (issue.code === 'too_small') return `at least ${String(issue.minimum)}${issue.inclusive === false ? ' (exclusive)' : ''}`;
  return issue.message;
}

/** The provider and model a well-formed `model:` names; an unknown provider is reported, with the likely one. */
function readModel(value: unknown, range: readonly [number, number], report: Report): PromptModel | { readonly error: true } | undefined {
  if (typeof value !== 'string' || !MODEL_PATTERN.test(value)) return undefined;
  const slash = value.indexOf('/');
  const providerId = value.slice(0, slash);
  const model = value.slice(slash + 1);
  if (isProviderId(providerId)) return { providerId, model };
  const near = closestName(providerId, PROVIDER_IDS);
  const advice = near ? `: ${didYouMean(`${near}/`)}` : `; known providers: ${PROVIDER_IDS.join(', ')}.`;
  report('error', `Unknown provider "${providerId}" in model${advice}`, ...range, near ? replaceWith(`${near}/${model}`) : undefined);
  return { error: true };
}

/** The Sandbox's models are known here, so a misspelt one can be corrected. */
function sandboxModelFix(model: PromptModel, problem: RequestProblem): PromptFix | undefined {
  if (model.providerId !== 'sandbox' || problem.field !== 'model') return undefined;
  const near = closestName(model.model, SANDBOX_MODELS);
  return near ? replaceWith(`sandbox/${near}`) : undefined;
}

/** input.default's values as text, or undefined when it is not a mapping. */
function readDefaults(input: unknown): Readonly<Record<string, string>> | undefined {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input)) return undefined;
  const defaults = (input as { default?: unknown }).default;
  if (defaults === undefined || defaults === null) return {};
  if (typeof defaults !== 'object' || Array.isArray(defaults)) return undefined;
  const scalars = Object.entries(defaults).filter(([, entry]) => ['string', 'number', 'boolean'].includes(typeof entry));
  return Object.fromEntries(scalars.map(([key, entry]) => [key, String(entry)]));
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

/** The value written at `path` (for messages), if it is there. */
function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
