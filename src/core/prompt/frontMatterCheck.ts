// Checks a `.prompt` file's front matter and reports every problem in one pass: YAML, unknown keys
// (with "did you mean"), schema, the model's provider, the sweep (sweepCheck.ts), and the provider's
// own limits for every request the file makes (providerProblems.ts). A value the provider has a rule
// for is judged by that rule, not by the schema's generic bound.
import { parseDocument, type Node as YamlNode } from 'yaml';
import type { ProviderId } from '../jobModel';
import { blockingProblems, type RequestProblem } from '../providers/types';
import { describeIssue, readModel, type PromptModel, type Report } from './frontMatterValues';
import { replaceWith } from './promptDiagnostic';
import {
  CONFIG_KEYS,
  frontMatterSchema,
  INPUT_KEYS,
  OUTPUT_KEYS,
  TOP_LEVEL_KEYS,
  wellTypedConfig,
  type FrontMatterData,
  type PromptConfig,
} from './promptSchema';
import { placedProblems, sandboxModelFix } from './providerProblems';
import { withProviderName } from './providerMessages';
import { closestName, didYouMean } from './suggestions';
import { readSweep } from './sweepCheck';
import type { SweepAxis } from './sweepCells';
import { blamedAliasRange, nodeAt, toJavaScript } from './yamlNodes';
import { yamlProblems } from './yamlProblems';

export type { PromptModel, Report } from './frontMatterValues';

/** What a file asks a provider for, once its front matter passes the schema. */
export interface PromptSettings {
  readonly model: PromptModel;
  readonly config: PromptConfig;
}

export interface PromptFileChecks {
  /** Checks a request the file makes (provider limits): its one, or each of its sweep's; called only for those that name a model. */
  readonly checkRequest?: (settings: PromptSettings) => readonly RequestProblem[];
}

export interface FrontMatter {
  readonly text: string;
  readonly offset: number;
  readonly bodyOffset: number;
}

export interface FrontMatterOutcome {
  /** Present only when nothing blocks a submission. */
  readonly valid?: {
    readonly data: FrontMatterData;
    readonly model?: PromptModel;
    readonly config: PromptConfig;
    readonly sweep?: readonly SweepAxis[];
  };
  /** input.default as far as it can be read, for the body's variables (even when other keys are wrong). */
  readonly inputDefaults?: Readonly<Record<string, string>>;
  /** The keys the sweep lists (even when something in it is wrong): their variables are not asked for. */
  readonly sweptKeys?: readonly string[];
  /** The file's `model:` value and the provider it names, for checks the editor adds (API keys, base URLs). */
  readonly modelAt?: { readonly providerId: ProviderId; readonly start: number; readonly end: number };
}

const KEYS_AT: Readonly<Record<string, readonly string[]>> = {
  '': TOP_LEVEL_KEYS,
  config: CONFIG_KEYS,
  input: INPUT_KEYS,
  output: OUTPUT_KEYS,
};

/** `bodyVariables`: the `{{variable}}` names the body uses, which a sweep may give values. */
export function checkFrontMatter(
  frontMatter: FrontMatter,
  report: Report,
  checks: PromptFileChecks,
  bodyVariables: ReadonlySet<string> = new Set(),
): FrontMatterOutcome {
  if (!frontMatter.text.trim()) return { valid: { data: {}, config: {} }, inputDefaults: {} };
  const document = parseDocument(frontMatter.text, { prettyErrors: false, uniqueKeys: true });
  for (const problem of yamlProblems(document.errors, frontMatter.text))
    report('error', problem.message, frontMatter.offset + problem.start, frontMatter.offset + problem.end);
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
    // "model landscape" alone is a YAML string, not a mapping: the missing ": " is the likely mistake
    const colonHint =
      typeof data === 'string' && !data.includes(':') ? ' A key needs a colon and a space after it, as in "model: landscape".' : '';
    report('error', `Front matter must be a YAML mapping of keys such as model, config, input and output.${colonHint}`, ...rootRange());
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
  const sweep = readSweep(raw.sweep, { report, rangeOf, isWritten, variables: bodyVariables });
  if (sweep.blocked) blocked = true;
  const problems =
    checks.checkRequest && sweep.checkable ? placedProblems(sweep.axes, { model: settings, config }, checks.checkRequest, isWritten) : [];
  // a provider's own rule replaces the schema's generic bound on a value; a warning does not (it blocks nothing)
  const judgedByProvider = new Set(
    problems.filter(({ problem }) => blockingProblems([problem]).length > 0).map(({ path }) => path.join('.')),
  );

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
  for (const { path, message } of sweep.boundIssues) {
    if (!judgedByProvider.has(path.join('.'))) report('error', message, ...rangeOf(path));
  }
  for (const { problem, model, path } of problems) {
    const message = withProviderName(model.providerId, problem.message);
    report(problem.severity ?? 'error', message, ...rangeOf(path), sandboxModelFix(model, problem));
  }
  if (blockingProblems(problems.map(({ problem }) => problem)).length > 0) blocked = true;

  const [modelStart, modelEnd] = rangeOf(['model']);
  return {
    valid: blocked || !parsed.success ? undefined : { data: parsed.data, model: settings, config, sweep: sweep.sweep },
    inputDefaults: readDefaults(raw.input),
    sweptKeys: sweep.axes.map((axis) => axis.key),
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

/** The value written at `path` (for messages), if it is there. */
function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
