// Reads a `.prompt` file's `sweep:` block and reports what is wrong in it, each problem on the key or
// value that has it: a key that is neither a config key, `model` nor a {{variable}} of the body, a
// key without a list of values, a value of the wrong type, more jobs than one sweep may make. A value
// of the right type beyond the schema's generic bound is handed back instead, to be reported only
// where no provider rule judges it (frontMatterCheck.ts), as for `config`.
import { describeIssue, readModel, type Report } from './frontMatterValues';
import { replaceWith } from './promptDiagnostic';
import { CONFIG_KEYS, configSchema, type PromptConfig } from './promptSchema';
import { closestName, didYouMean } from './suggestions';
import { MAX_SWEEP_JOBS, type SweepAxis, type SweepKeyKind, type SweepValue } from './sweepCells';

type Path = readonly PropertyKey[];

export interface SweepContext {
  readonly report: Report;
  /** Where `path` is written (its key with `keyOnly`); the whole front matter when it is not. */
  readonly rangeOf: (path: Path, keyOnly?: boolean) => readonly [number, number];
  readonly isWritten: (path: Path) => boolean;
  /** The body's `{{variable}}` names: the variables a sweep can give values. */
  readonly variables: ReadonlySet<string>;
}

/** A value of the right type, with its place in the list as written (where its diagnostics go). */
export interface CheckedValue {
  readonly value: SweepValue;
  readonly index: number;
}

export interface CheckedAxis {
  readonly key: string;
  readonly kind: SweepKeyKind;
  readonly values: readonly CheckedValue[];
}

export interface SweepRead {
  /** The swept keys with their values of the right type: what the providers' rules are checked on. */
  readonly axes: readonly CheckedAxis[];
  /** The sweep to submit: present when there is one and nothing in it blocks a submission. */
  readonly sweep?: readonly SweepAxis[];
  readonly blocked: boolean;
  /** Right type, beyond the schema's generic bound: reported unless a provider's own rule judges the value. */
  readonly boundIssues: readonly { readonly path: Path; readonly message: string }[];
  /** False when the sweep makes too many jobs to check them one by one. */
  readonly checkable: boolean;
}

const NONE: SweepRead = { axes: [], blocked: false, boundIssues: [], checkable: true };

export function readSweep(raw: unknown, context: SweepContext): SweepRead {
  const { report, rangeOf } = context;
  if (raw === undefined) return NONE;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    report('error', 'sweep must map keys to lists of values, e.g. `seed: [1, 2, 3]`.', ...rangeOf(['sweep']));
    return { ...NONE, blocked: true };
  }
  const entries = Object.entries(raw);
  if (entries.length === 0) {
    report('warning', 'sweep lists no keys: one job is made.', ...rangeOf(['sweep'], true));
    return NONE;
  }
  let blocked = false;
  const axes: CheckedAxis[] = [];
  const boundIssues: { path: Path; message: string }[] = [];
  const reader = { context, boundIssues, block: () => void (blocked = true) };
  for (const [key, list] of entries) {
    const kind = kindOf(key, context.variables);
    if (!kind) {
      reportUnknownKey(key, context);
      blocked = true;
    } else if (!Array.isArray(list) || list.length === 0) {
      report('error', `sweep.${key} must list its values, e.g. \`${key}: ${EXAMPLES[kind]}\`.`, ...rangeOf(['sweep', key]));
      blocked = true;
    } else {
      axes.push({ key, kind, values: readValues(key, kind, list, reader) });
      noteReplaced(key, kind, context);
    }
  }
  if (boundIssues.length > 0) blocked = true;
  const lengths = entries.map(([, list]) => (Array.isArray(list) ? Math.max(1, list.length) : 1));
  const jobs = lengths.reduce((product, length) => product * length, 1);
  if (jobs > MAX_SWEEP_JOBS) {
    report(
      'error',
      `This sweep makes ${jobs.toLocaleString('en')} jobs (${lengths.join(' × ')}); one sweep may make at most ${MAX_SWEEP_JOBS}: list fewer values, or split it across files.`,
      ...rangeOf(['sweep'], true),
    );
    return { axes, blocked: true, boundIssues, checkable: false };
  }
  const sweep = blocked ? undefined : axes.map(({ key, kind, values }) => ({ key, kind, values: values.map((value) => value.value) }));
  return { axes, sweep, blocked, boundIssues, checkable: true };
}

const EXAMPLES: Readonly<Record<SweepKeyKind, string>> = {
  config: '[1, 2, 3]',
  model: '[sandbox/landscape, tams/<model id>]',
  variable: '[a valley, a harbour]',
};

/** Config keys first: a body variable named like one cannot be swept (its `config` namesake is). */
function kindOf(key: string, variables: ReadonlySet<string>): SweepKeyKind | undefined {
  if ((CONFIG_KEYS as readonly string[]).includes(key)) return 'config';
  if (key === 'model') return 'model';
  return variables.has(key) ? 'variable' : undefined;
}

function reportUnknownKey(key: string, { report, rangeOf, variables }: SweepContext): void {
  const near = closestName(key, [...CONFIG_KEYS, 'model', ...variables]);
  const advice = near ? `: ${didYouMean(near)}` : variables.size ? ` (the prompt's variables: ${[...variables].join(', ')})` : '';
  report(
    'error',
    `Unknown sweep key "${key}": a sweep lists values of a config key, model, or a {{variable}} the prompt uses${advice}`,
    ...rangeOf(['sweep', key], true),
    near ? replaceWith(near) : undefined,
  );
}

/** A value the sweep replaces in every job is dead: say so where it is written. */
function noteReplaced(key: string, kind: SweepKeyKind, { report, rangeOf, isWritten }: SweepContext): void {
  const path = kind === 'config' ? ['config', key] : kind === 'model' ? ['model'] : ['input', 'default', key];
  if (!isWritten(path)) return;
  report('information', `Not used: each job takes its ${key} from sweep.${key}.`, ...rangeOf(path));
}

interface ValueReader {
  readonly context: SweepContext;
  readonly boundIssues: { path: Path; message: string }[];
  readonly block: () => void;
}

function readValues(key: string, kind: SweepKeyKind, list: readonly unknown[], reader: ValueReader): CheckedValue[] {
  const { report, rangeOf } = reader.context;
  const values: CheckedValue[] = [];
  const seen = new Set<string>();
  list.forEach((raw, index) => {
    const path = ['sweep', key, index];
    const value = readValue(key, kind, raw, path, reader);
    if (value === undefined) return;
    const identity = JSON.stringify(value);
    if (seen.has(identity)) {
      report('warning', `sweep.${key} lists ${identity} more than once: those jobs are the same.`, ...rangeOf(path));
    }
    seen.add(identity);
    values.push({ value, index });
  });
  return values;
}

/** The value as the sweep uses it, or undefined (reported) when its type is wrong. */
function readValue(key: string, kind: SweepKeyKind, raw: unknown, path: Path, reader: ValueReader): SweepValue | undefined {
  const { report, rangeOf } = reader.context;
  const wrong = (message: string) => {
    report('error', message, ...rangeOf(path));
    reader.block();
    return undefined;
  };
  if (kind === 'variable') {
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
    return wrong(`sweep.${key}: each value is the text that fills {{${key}}}, got ${describe(raw)}`);
  }
  if (kind === 'model') {
    const model = readModel(raw, rangeOf(path), report, 'sweep.model');
    if (model && 'error' in model) {
      reader.block(); // reported by readModel, with the likely provider
      return undefined;
    }
    return model ? (raw as string) : wrong(`sweep.model: each value is "provider/model", e.g. "sandbox/landscape", got ${describe(raw)}`);
  }
  const schema = configSchema.shape[key as keyof PromptConfig];
  const parsed = schema.safeParse(raw);
  if (parsed.success) return raw as SweepValue;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'too_big' || issue.code === 'too_small') {
    // the right type: a provider's own rule may judge it instead (TAMS steps 10–50 rather than 1–200)
    reader.boundIssues.push({ path, message: `sweep.${key}: ${describeIssue(issue, raw)}` });
    return raw as SweepValue;
  }
  return wrong(`sweep.${key}: ${describeIssue(issue, raw)}`);
}

function describe(value: unknown): string {
  return value === null ? 'nothing' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a map' : JSON.stringify(value);
}
