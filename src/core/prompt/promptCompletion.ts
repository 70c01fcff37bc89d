// Completion for `.prompt` files from the schema: keys at each level of the front matter (under
// `sweep`: config keys, model and the body's variables), model values (for `model:` and for each item
// of `sweep:`'s `model:` list), config.kind, output.name placeholders, and `{{variables}}` in the body.
import { parseDocument } from 'yaml';
import type { ProviderId } from '../jobModel';
import { PROVIDERS, SANDBOX_MODELS } from '../providers/catalog';
import { cursorContext } from './promptCursor';
import { KEY_DOCS, keyDocMarkdown, NAME_PLACEHOLDERS } from './promptKeyDocs';
import { CONFIG_KEYS, INPUT_KEYS, OUTPUT_KEYS, TOP_LEVEL_KEYS } from './promptSchema';
import { splitFrontMatter } from './promptFile';
import { PLACEHOLDER, VARIABLE_NAME } from './template';
import { rangeIn, type TextRange } from './textRange';
import { toJavaScript } from './yamlNodes';

export interface PromptCompletion {
  readonly label: string;
  readonly kind: 'key' | 'value' | 'variable';
  readonly insertText: string;
  /** The text the item replaces. */
  readonly range: TextRange;
  readonly detail?: string;
  /** Markdown. */
  readonly documentation?: string;
  /** `insertText` is a snippet: `$0` is where the cursor goes. */
  readonly snippet?: true;
}

export interface CompletionSettings {
  /** Each provider's defaultModel setting, where set. */
  readonly defaultModels?: Partial<Record<ProviderId, string>>;
}

const KEYS_UNDER: Readonly<Record<string, readonly string[]>> = {
  '': TOP_LEVEL_KEYS,
  config: CONFIG_KEYS,
  input: INPUT_KEYS,
  output: OUTPUT_KEYS,
};

/** The items for a cursor at `offset`; none where nothing is known to fit. Never throws. */
export function promptCompletions(source: string, offset: number, settings: CompletionSettings = {}): PromptCompletion[] {
  try {
    return completionsAt(source, offset, settings);
  } catch {
    return []; // completion is a help: a file it cannot read gets none, and its diagnostics say why
  }
}

function completionsAt(source: string, offset: number, settings: CompletionSettings): PromptCompletion[] {
  const context = cursorContext(source, offset);
  if (context.kind === 'key') {
    const parent = context.parent.join('.');
    const range = rangeIn(source, context.start, context.end);
    const keys = parent === 'sweep' ? [...CONFIG_KEYS, 'model', ...bodyVariableNames(source)] : (KEYS_UNDER[parent] ?? []);
    return keys
      .filter((key) => key === context.key || !context.siblings.includes(key))
      .map((key) => {
        const path = [...context.parent, key];
        const doc = KEY_DOCS[path.join('.')];
        return {
          label: key,
          kind: 'key',
          insertText: doc?.isMapping ? `${key}:` : `${key}: `,
          range,
          detail: doc?.type,
          documentation: keyDocMarkdown(path),
        };
      });
  }
  if (context.kind === 'value') {
    const path = context.path.join('.');
    const range = rangeIn(source, context.start, context.end);
    // `model:` with the value typed straight after the colon still needs the space YAML wants
    const space = source[context.start - 1] === ':' ? ' ' : '';
    const values =
      path === 'model'
        ? modelValues(settings, range)
        : path === 'sweep.model' && context.value.trim() === ''
          ? modelValues(settings, range).map(asList)
          : path === 'config.kind'
            ? kindValues(range)
            : path === 'output.name'
              ? namePlaceholders(source, context.value, context.offset - context.start, context.start)
              : [];
    return values.map((item) => ({ ...item, insertText: space + item.insertText }));
  }
  if (context.kind === 'item') {
    // an item of sweep's model list: the models `model:` offers
    if (context.path.join('.') !== 'sweep.model') return [];
    const range = rangeIn(source, context.start, context.end);
    const space = source[context.start - 1] === '-' ? ' ' : '';
    return modelValues(settings, range).map((item) => ({ ...item, insertText: space + item.insertText }));
  }
  if (context.kind === 'variable') {
    const range = rangeIn(source, context.start, context.end);
    return variableNames(source).map(({ name, value }) => ({
      label: name,
      kind: 'variable',
      insertText: name,
      range,
      detail: value === undefined ? 'no default: asked when generating' : `default: ${value}`,
    }));
  }
  return [];
}

function kindValues(range: TextRange): PromptCompletion[] {
  return ['image', 'video'].map((kind) => ({ label: kind, kind: 'value', insertText: kind, range }));
}

function modelValues(settings: CompletionSettings, range: TextRange): PromptCompletion[] {
  const items: PromptCompletion[] = SANDBOX_MODELS.map((model) => ({
    label: `sandbox/${model}`,
    kind: 'value',
    insertText: `sandbox/${model}`,
    range,
    detail: model === 'broken' ? 'Sandbox: always fails (to try the failure flow)' : 'Sandbox: offline, no key',
  }));
  for (const provider of PROVIDERS) {
    const configured = settings.defaultModels?.[provider.id];
    if (configured) {
      const value = `${provider.id}/${configured}`;
      items.push({ label: value, kind: 'value', insertText: value, range, detail: `${provider.displayName}: your defaultModel setting` });
    }
    if (provider.id !== 'sandbox') {
      const prefix = `${provider.id}/`;
      items.push({
        label: prefix,
        kind: 'value',
        insertText: prefix,
        range,
        detail: `${provider.displayName}${provider.needsApiKey ? ' (needs an API key)' : ''}`,
      });
    }
  }
  return items;
}

/** A model as the first item of a new list (`model: [sandbox/landscape]`, a sweep lists values); a prefix leaves the cursor before `]`. */
function asList(item: PromptCompletion): PromptCompletion {
  const text = item.insertText.replace(/[$}\\]/g, '\\$&');
  return { ...item, insertText: item.insertText.endsWith('/') ? `[${text}$0]` : `[${text}]`, snippet: true };
}

/** `{{name}}` and the rest; quoted when the value is empty, since a bare `{{` starts a YAML mapping. */
function namePlaceholders(source: string, value: string, column: number, valueStart: number): PromptCompletion[] {
  const before = value.slice(0, Math.max(0, column));
  const partial = /\{\{\s*\w*$/.exec(before)?.[0] ?? '';
  const quote = value.trim() === '' ? '"' : '';
  const range = rangeIn(source, valueStart + before.length - partial.length, valueStart + before.length);
  return Object.entries(NAME_PLACEHOLDERS).map(([name, meaning]) => ({
    label: `{{${name}}}`,
    kind: 'value',
    insertText: `${quote}{{${name}}}${quote}`,
    range,
    detail: meaning,
  }));
}

/** The `{{variable}}` names the body uses, in order, once each: what a sweep can give values. */
function bodyVariableNames(source: string): string[] {
  const split = splitFrontMatter(source);
  const body = source.slice(split && !('unclosed' in split) ? split.bodyOffset : source.length);
  const names = [...body.matchAll(PLACEHOLDER)].map((match) => match[1]!).filter((name) => VARIABLE_NAME.test(name));
  return [...new Set(names)].filter((name) => !(CONFIG_KEYS as readonly string[]).includes(name) && name !== 'model');
}

/** Names the body may use: input.default's (with their values) and those already used in the body. */
export function variableNames(source: string): { readonly name: string; readonly value?: string }[] {
  const split = splitFrontMatter(source);
  const names = new Map<string, string | undefined>();
  if (split && !('unclosed' in split)) {
    const document = parseDocument(split.text, { prettyErrors: false });
    const value = document.errors.length ? undefined : toJavaScript(document);
    const defaults = value && 'data' in value ? readPath(value.data, ['input', 'default']) : undefined;
    if (defaults && typeof defaults === 'object' && !Array.isArray(defaults)) {
      for (const [name, entry] of Object.entries(defaults)) {
        if (['string', 'number', 'boolean'].includes(typeof entry)) names.set(name, String(entry));
      }
    }
  }
  const body = source.slice(split && !('unclosed' in split) ? split.bodyOffset : 0);
  for (const match of body.matchAll(PLACEHOLDER)) {
    const name = match[1]!;
    if (VARIABLE_NAME.test(name) && !names.has(name)) names.set(name, undefined);
  }
  return [...names].map(([name, value]) => ({ name, value }));
}

function readPath(data: unknown, path: readonly string[]): unknown {
  let current = data;
  for (const key of path) {
    if (!current || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
