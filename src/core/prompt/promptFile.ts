// Parses Dotprompt-style `.prompt` files: YAML front matter between `---` lines, then a body with
// `{{variable}}` placeholders. The front matter is checked by frontMatterCheck.ts (schema, and what a
// provider accepts through the caller's `checkRequest`, see promptCheck.ts). Every problem, however
// malformed the input, comes back as a diagnostic with a range, all of them at once; a file with any
// error yields no prompt, so nothing is submitted.
import type { ProviderId } from '../jobModel';
import { checkFrontMatter, type FrontMatter, type PromptFileChecks, type PromptModel, type Report } from './frontMatterCheck';
import type { PromptDiagnostic } from './promptDiagnostic';
import type { PromptConfig } from './promptSchema';
import type { SweepAxis } from './sweepCells';
import { PLACEHOLDER, VARIABLE_NAME } from './template';
import { LineIndex, type TextRange } from './textRange';
import { describeError } from '../errors';

export type { DiagnosticSeverity, PromptDiagnostic, PromptFix } from './promptDiagnostic';
export type { PromptFileChecks, PromptModel, PromptSettings } from './frontMatterCheck';
export { isUnsafeRelativePath, type PromptConfig } from './promptSchema';
export { renderTemplate } from './template';

export interface VariableUse {
  readonly name: string;
  readonly range: TextRange;
}

export interface PromptFile {
  readonly model?: PromptModel;
  /** Seed -1 is already read as "no seed". */
  readonly config: PromptConfig;
  readonly inputDefaults: Readonly<Record<string, string>>;
  /** The `sweep:` block's keys and values, in the order written: one job per combination (sweepCells.ts). */
  readonly sweep?: readonly SweepAxis[];
  readonly output: { readonly folder?: string; readonly name?: string };
  /** The body, placeholders not yet filled. */
  readonly template: string;
  readonly variables: readonly VariableUse[];
  /** Variables used in the body that have no default and are not swept: the user must supply them. */
  readonly missingVariables: readonly string[];
  /** Line of the body's first line (for CodeLens and messages). */
  readonly bodyStartLine: number;
}

export interface PromptParseResult {
  readonly prompt?: PromptFile;
  readonly diagnostics: readonly PromptDiagnostic[];
  /** Where the file names its model's provider, even when other things are wrong (for the editor's API key check). */
  readonly modelAt?: { readonly providerId: ProviderId; readonly range: TextRange };
}

/** Finds the `---` fenced front matter; `undefined` text means the file has none. */
export function splitFrontMatter(source: string): FrontMatter | { readonly unclosed: true } | undefined {
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
    const message = `This file could not be read: ${describeError(error)}`;
    return { diagnostics: [{ severity: 'error', message, range: lines.range(0, firstLineEnd < 0 ? source.length : firstLineEnd) }] };
  }
}

function parseUnguarded(source: string, lines: LineIndex, checks: PromptFileChecks): PromptParseResult {
  const diagnostics: PromptDiagnostic[] = [];
  const report: Report = (severity, message, start, end, fix) =>
    diagnostics.push({ severity, message, range: lines.range(start, end), ...(fix ? { fix } : {}) });

  const split = splitFrontMatter(source);
  if (split && 'unclosed' in split) {
    report('error', 'Front matter starts with "---" but has no closing "---" line.', 0, 3);
    return { diagnostics };
  }
  const frontMatter = split ?? { text: '', offset: 0, bodyOffset: 0 };
  const bodyVariables = new Set(
    [...source.slice(frontMatter.bodyOffset).matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => VARIABLE_NAME.test(name)),
  );
  const outcome = checkFrontMatter(frontMatter, report, checks, bodyVariables);
  const modelAt = outcome.modelAt && {
    providerId: outcome.modelAt.providerId,
    range: lines.range(outcome.modelAt.start, outcome.modelAt.end),
  };

  const template = source.slice(frontMatter.bodyOffset).trim();
  const bodyStart =
    frontMatter.bodyOffset + (source.slice(frontMatter.bodyOffset).length - source.slice(frontMatter.bodyOffset).trimStart().length);
  if (!template) {
    const at = Math.min(frontMatter.bodyOffset, Math.max(0, source.length - 1));
    report('error', 'The prompt body is empty: write the prompt text below the front matter.', at, source.length);
  }
  const variables = findVariables(source, frontMatter.bodyOffset, lines, report);
  const inputDefaults = outcome.inputDefaults;
  const swept = new Set(outcome.sweptKeys);
  if (inputDefaults) {
    for (const use of variables) {
      if (Object.hasOwn(inputDefaults, use.name) || swept.has(use.name)) continue;
      const message = `"{{${use.name}}}" has no default in input.default: you will be asked for it when generating.`;
      diagnostics.push({ severity: 'information', message, range: use.range });
    }
  }
  const { valid } = outcome;
  if (!valid || !inputDefaults || diagnostics.some((diagnostic) => diagnostic.severity === 'error')) return { diagnostics, modelAt };

  return {
    diagnostics,
    modelAt,
    prompt: {
      model: valid.model,
      config: valid.config,
      inputDefaults,
      ...(valid.sweep ? { sweep: valid.sweep } : {}),
      output: { folder: valid.data.output?.folder, name: valid.data.output?.name },
      template,
      variables,
      missingVariables: [...new Set(variables.map((use) => use.name))].filter(
        (name) => !Object.hasOwn(inputDefaults, name) && !swept.has(name),
      ),
      bodyStartLine: lines.position(bodyStart).line,
    },
  };
}

function findVariables(source: string, bodyOffset: number, lines: LineIndex, report: Report): VariableUse[] {
  const body = source.slice(bodyOffset);
  const uses: VariableUse[] = [];
  for (const match of body.matchAll(PLACEHOLDER)) {
    const start = bodyOffset + match.index!;
    const end = start + match[0].length;
    const name = match[1]!;
    if (!VARIABLE_NAME.test(name)) {
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
