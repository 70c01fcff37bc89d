// Reading single front matter values, shared by the front matter check and the sweep check: a
// `provider/model` name, and a schema issue in words.
import type { z } from 'zod';
import type { ProviderId } from '../jobModel';
import { isProviderId, PROVIDER_IDS } from '../providers/catalog';
import { replaceWith, type DiagnosticSeverity, type PromptFix } from './promptDiagnostic';
import { MODEL_PATTERN } from './promptSchema';
import { closestName, didYouMean } from './suggestions';

export interface PromptModel {
  readonly providerId: ProviderId;
  readonly model: string;
}

export type Report = (severity: DiagnosticSeverity, message: string, start: number, end: number, fix?: PromptFix) => void;

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

/**
 * The provider and model a well-formed `provider/model` value names; an unknown provider is reported
 * (`where` names the key: `model`, `sweep.model`), with the likely one.
 */
export function readModel(
  value: unknown,
  range: readonly [number, number],
  report: Report,
  where = 'model',
): PromptModel | { readonly error: true } | undefined {
  if (typeof value !== 'string' || !MODEL_PATTERN.test(value)) return undefined;
  const slash = value.indexOf('/');
  const providerId = value.slice(0, slash);
  const model = value.slice(slash + 1);
  if (isProviderId(providerId)) return { providerId, model };
  const near = closestName(providerId, PROVIDER_IDS);
  const advice = near ? `: ${didYouMean(`${near}/`)}` : `; known providers: ${PROVIDER_IDS.join(', ')}.`;
  report('error', `Unknown provider "${providerId}" in ${where}${advice}`, ...range, near ? replaceWith(`${near}/${model}`) : undefined);
  return { error: true };
}
