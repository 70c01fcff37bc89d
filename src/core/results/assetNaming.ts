// File names for saved results: a template filled from the job, then sanitized so nothing can be
// written outside the target folder whatever the prompt or the provider says.
import type { SweepCell } from '../generationParams';

const MIME_EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
  'video/webm': 'webm',
};

export const ALLOWED_MIME_TYPES: ReadonlySet<string> = new Set(Object.keys(MIME_EXTENSIONS));

export function extensionForMime(mimeType: string): string | undefined {
  return MIME_EXTENSIONS[mimeType];
}

/** A few lowercase words from the prompt, for `{{name}}` when there is no prompt file. */
export function slugFromPrompt(prompt: string, maxWords = 5): string {
  const words = prompt
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .slice(0, maxWords);
  return words.join('-') || 'image';
}

/**
 * Names Windows keeps for devices, whatever the case and whatever follows the first dot (`nul.png`
 * is the device too): such a file cannot be created there. Superscript digits arrive as digits
 * after NFKC.
 */
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(?=[ .]|$)/i;

/** True for `CON`, `nul.png`, `Com1.tar.gz`, `lpt¹`: a file or folder Windows cannot create. */
export function isWindowsDeviceName(name: string): boolean {
  return WINDOWS_DEVICE_NAME.test(name.normalize('NFKC'));
}

/** Keeps letters, digits, dot, dash and underscore; no leading dots; no Windows device names; at most 120 characters. */
export function sanitizeFileName(name: string): string {
  const cleaned = name
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, 120);
  // `CON` becomes `CON_`, `nul.backup` becomes `nul_.backup`: still recognisable, and creatable
  return cleaned.replace(WINDOWS_DEVICE_NAME, '$1_') || 'image';
}

export interface NameValues {
  readonly name: string;
  readonly seed?: number;
  readonly index: number;
  readonly model: string;
  readonly jobId: string;
  readonly date: Date;
  /** The job's cell when a sweep made it: `{{sweep}}` names it by its values. */
  readonly sweep?: Pick<SweepCell, 'keys' | 'values'>;
}

/** A sweep cell as a name: `cfgScale-4_place-a-quiet-valley`, so a sweep's files say which cell they are. */
function sweepName(sweep: NameValues['sweep']): string {
  return sweep ? sweep.keys.map((key, axis) => `${key.replace(/[{}]/g, '')}-${String(sweep.values[axis])}`).join('_') : '';
}

/**
 * A name template for a job made again from a sweep's cell, outside its batch: `{{sweep}}` is filled
 * with the cell's values now (the new job has no cell), with its own seed where the sweep set one.
 */
export function templateForRerunCell(template: string, cell: Pick<SweepCell, 'keys' | 'values'>, seed: number | undefined): string {
  const values = cell.keys.map((key, axis) => (key === 'seed' && seed !== undefined ? seed : cell.values[axis]));
  return template.replace(/\{\{\s*sweep\s*\}\}/g, sweepName({ keys: cell.keys, values }));
}

export function fillNameTemplate(template: string, values: NameValues): string {
  const iso = values.date.toISOString();
  const date = iso.slice(0, 10);
  const time = iso.slice(11, 19).replace(/:/g, '');
  const replacements: Record<string, string> = {
    name: values.name,
    // a provider that gives no seed (Bifrost's OpenAI-style images): when the job was made, so its files are told apart and sort by
    // age (a fixed word made every such file "name-noseed", "name-noseed-2", …)
    seed: values.seed === undefined ? `${date.replace(/-/g, '')}-${time}` : String(values.seed),
    index: String(values.index + 1),
    model: values.model.replace(/\//g, '-'),
    job: values.jobId.slice(0, 8),
    date,
    time,
    sweep: sweepName(values.sweep),
  };
  return sanitizeFileName(template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => replacements[key] ?? whole));
}

/** First of `base.ext`, `base-2.ext`, `base-3.ext`… that `exists` says is free. */
export async function uniqueFileName(base: string, extension: string, exists: (fileName: string) => Promise<boolean>): Promise<string> {
  for (let n = 1; n < 10_000; n++) {
    const candidate = n === 1 ? `${base}.${extension}` : `${base}-${n}.${extension}`;
    if (!(await exists(candidate))) return candidate;
  }
  throw new Error(`no free file name for ${base}.${extension}`);
}
