// Which document an image reference may go into. Not a .prompt file: its body is the prompt, so a
// path inserted there (the "Image ready" toast comes while the .prompt that made the image is still
// the active editor) is glued to its last word and sent with the next Generate. Not the Output panel
// either: VS Code reports it as a text editor, and it is read-only.

import { isPromptFile } from '../prompt/promptLanguageId';

/** What the choice needs to know of a document. */
export interface ReferenceTargetDocument {
  readonly languageId: string;
  /** The URI's path. */
  readonly path: string;
  /** The URI's scheme. */
  readonly scheme: string;
}

export function takesReferences(document: ReferenceTargetDocument): boolean {
  if (isPromptFile(document)) return false;
  return document.scheme !== 'output';
}

/**
 * The editor a reference goes into: the most recently active one (`recentFirst`) whose document takes
 * references; undefined when none does (the caller copies the path instead).
 */
export function pickReferenceTarget<T>(recentFirst: readonly T[], documentOf: (item: T) => ReferenceTargetDocument): T | undefined {
  return recentFirst.find((item) => takesReferences(documentOf(item)));
}

/** `recent` with `item` first, once (`same` says which earlier entry it replaces), and at most `limit` long. */
export function rememberRecent<T>(recent: readonly T[], item: T, same: (a: T, b: T) => boolean, limit = 20): T[] {
  return [item, ...recent.filter((other) => !same(other, item))].slice(0, limit);
}
