// Hover text for `.prompt` files: each front matter key's docs, the provider a model names, and a
// body `{{variable}}`'s default.
import { isProviderId, providerInfo, SANDBOX_MODELS } from '../providers/catalog';
import { variableNames } from './promptCompletion';
import { cursorContext } from './promptCursor';
import { keyDocMarkdown, NAME_PLACEHOLDERS } from './promptKeyDocs';
import { rangeIn, type TextRange } from './textRange';

export interface PromptHover {
  /** Markdown. */
  readonly markdown: string;
  readonly range: TextRange;
}

/** The hover at `offset`, if there is something to say there. Never throws. */
export function promptHover(source: string, offset: number): PromptHover | undefined {
  try {
    return hoverAt(source, offset);
  } catch {
    return undefined; // a hover is a help: a file it cannot read gets none
  }
}

function hoverAt(source: string, offset: number): PromptHover | undefined {
  const context = cursorContext(source, offset);
  if (context.kind === 'key' && context.key) {
    const markdown = keyDocMarkdown([...context.parent, context.key]);
    return markdown ? { markdown, range: rangeIn(source, context.start, context.end) } : undefined;
  }
  if (context.kind === 'value' || context.kind === 'item') {
    const path = context.path.join('.');
    // an item of sweep's model list names a model as `model:` does
    const markdown = valueMarkdown(context.kind === 'item' && path === 'sweep.model' ? 'model' : path, context.value.trim());
    return markdown ? { markdown, range: rangeIn(source, context.start, context.end) } : undefined;
  }
  if (context.kind === 'variable' && context.name) {
    const uses = variableNames(source);
    const known = uses.find((use) => use.name === context.name);
    const value =
      known?.value === undefined ? 'no default in `input.default`: you are asked for it when generating' : `default: \`${known.value}\``;
    return { markdown: `**{{${context.name}}}**: ${value}`, range: rangeIn(source, context.start, context.end) };
  }
  return undefined;
}

function valueMarkdown(path: string, value: string): string | undefined {
  if (path === 'model') {
    const providerId = value.slice(0, Math.max(0, value.indexOf('/')));
    if (!isProviderId(providerId)) return keyDocMarkdown(['model']);
    const provider = providerInfo(providerId);
    const key = provider.needsApiKey ? 'needs an API key (Image Jobs: Set API Key)' : 'offline, no key';
    const models = providerId === 'sandbox' ? `; models: ${SANDBOX_MODELS.join(', ')}` : '';
    return `**${provider.displayName}**: ${key}${models}\n\n${keyDocMarkdown(['model'])}`;
  }
  if (path === 'output.name') {
    const placeholders = Object.entries(NAME_PLACEHOLDERS).map(([name, meaning]) => `- \`{{${name}}}\`: ${meaning}`);
    return `${keyDocMarkdown(['output', 'name'])}\n\n${placeholders.join('\n')}`;
  }
  return keyDocMarkdown(path.split('.'));
}
