// The text inserted at the cursor for a saved image, by the language of the document.
import { posix } from 'node:path';

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
  const oneLine = prompt.replace(/\s+/g, ' ').trim();
  return oneLine.length > 100 ? `${oneLine.slice(0, 99)}…` : oneLine;
}

const MARKDOWN_LANGUAGES = new Set(['markdown', 'mdx', 'quarto', 'rmd']);
const HTML_LANGUAGES = new Set(['html', 'vue', 'svelte', 'astro', 'javascriptreact', 'typescriptreact', 'php', 'erb', 'handlebars']);

export function formatAssetReference(languageId: string, path: string, prompt: string): string {
  const alt = altText(prompt);
  if (MARKDOWN_LANGUAGES.has(languageId)) return `![${alt.replace(/[[\]\\]/g, '\\$&')}](${encodeMarkdownPath(path)})`;
  if (HTML_LANGUAGES.has(languageId)) return `<img src="${escapeHtmlAttribute(path)}" alt="${escapeHtmlAttribute(alt)}">`;
  return path;
}

/** The text around a selection where a reference goes, as the editor has it. */
export interface InsertionSite {
  /** The selection's first line, up to the selection. */
  readonly before: string;
  /** The selection's last line, after the selection. */
  readonly after: string;
  /** The line above the selection's first line; undefined at the top of the document. */
  readonly previousLine?: string;
  /** The line below the selection's last line; undefined at the end of the document. */
  readonly nextLine?: string;
}

const blank = (line: string | undefined) => line === undefined || line.trim() === '';

/**
 * The text that goes in at `site`: in Markdown, the image as a paragraph of its own, with the line breaks
 * it needs so it neither sits on a heading's or a paragraph's line nor runs on into the lines above or
 * below it (a line right under text continues that paragraph); in other documents, `reference` as is.
 */
export function placeReference(languageId: string, reference: string, site: InsertionSite, eol = '\n'): string {
  if (!MARKDOWN_LANGUAGES.has(languageId)) return reference;
  const before = !blank(site.before) ? eol + eol : !blank(site.previousLine) ? eol : '';
  const after = !blank(site.after) ? eol + eol : !blank(site.nextLine) ? eol : '';
  return `${before}${reference}${after}`;
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
