// The text of a reference to a saved image, by the language of the document (where it goes:
// referencePlacement).
import { posix } from 'node:path';
import { oneLine } from '../oneLine';

/** Path from the document's folder to the asset, both given as URI paths (forward slashes). */
export function relativeReferencePath(documentPath: string, assetPath: string): string {
  const relative = posix.relative(posix.dirname(documentPath), assetPath);
  return relative;
}

function encodeMarkdownPath(path: string): string {
  return /[\s()<>]/.test(path) ? `<${path.replace(/>/g, '%3E')}>` : path;
}

function escapeHtmlAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function altText(prompt: string): string {
  return oneLine(prompt, 100);
}

const MARKDOWN_LANGUAGES = new Set(['markdown', 'mdx', 'quarto', 'rmd']);

/** Languages whose references are Markdown images, placed as paragraphs of their own (referencePlacement). */
export function isMarkdownLanguage(languageId: string): boolean {
  return MARKDOWN_LANGUAGES.has(languageId);
}

const HTML_LANGUAGES = new Set(['html', 'vue', 'svelte', 'astro', 'javascriptreact', 'typescriptreact', 'php', 'erb', 'handlebars']);

export function formatAssetReference(languageId: string, path: string, prompt: string): string {
  const alt = altText(prompt);
  if (MARKDOWN_LANGUAGES.has(languageId)) return `![${alt.replace(/[[\]\\]/g, '\\$&')}](${encodeMarkdownPath(path)})`;
  if (HTML_LANGUAGES.has(languageId)) return `<img src="${escapeHtmlAttribute(path)}" alt="${escapeHtmlAttribute(alt)}">`;
  return path;
}

const HTML_EXTENSIONS = new Set(['html', 'htm', 'vue', 'svelte', 'astro', 'jsx', 'tsx', 'php', 'erb', 'hbs', 'handlebars']);

/**
 * How to reference an image from a document that may not be open yet (a chat agent names it by its
 * path): an `<img>` tag in HTML-like files, Markdown everywhere else.
 */
export function referenceLanguageForPath(documentPath: string): 'html' | 'markdown' {
  const extension = /\.([^./]+)$/.exec(documentPath)?.[1]?.toLowerCase();
  return extension && HTML_EXTENSIONS.has(extension) ? 'html' : 'markdown';
}
