// What each front matter key means, for hover and completion: what it does, its type, and the
// limits each provider documents (the numbers come from the providers' own constants where they
// export them, so the docs cannot drift from the checks).
import { TAMS_LIMITS } from '../providers/tams';
import { MAX_SWEEP_JOBS } from './sweepCells';

export interface KeyDoc {
  readonly type: string;
  readonly summary: string;
  /** The providers' own rules for this key, one line each. */
  readonly limits?: readonly string[];
  /** A mapping of further keys (completion inserts `key:` and the user goes on below). */
  readonly isMapping?: boolean;
}

const T = TAMS_LIMITS;

/** By path: '' is the front matter itself, 'config.width' a key of config. */
export const KEY_DOCS: Readonly<Record<string, KeyDoc>> = {
  model: {
    type: 'string: provider/model',
    summary:
      'The provider and model the image is made with, e.g. `sandbox/landscape`, `tams/<sdModel id>`, `bifrost/openai/dall-e-3`. Without it the default provider and its defaultModel setting are used.',
  },
  config: { type: 'mapping', summary: 'Generation parameters; only those written are sent.', isMapping: true },
  sweep: {
    type: 'mapping of key → list of values',
    summary:
      'One job per combination of the values listed, submitted as one batch: `seed: [1, 2, 3]`, `cfgScale: [5, 7, 9]`, `place: [a valley, a harbour]` make 18 jobs. Keys: any config key, `model`, or a `{{variable}}` of the prompt; a swept value replaces the one `config` or `input.default` gives.',
    isMapping: true,
    limits: [`at most ${MAX_SWEEP_JOBS} jobs per sweep`, 'each job is checked against its provider before anything is sent'],
  },
  input: { type: 'mapping', summary: "The body's `{{variables}}`: `default` gives their values.", isMapping: true },
  output: { type: 'mapping', summary: 'Where results are saved: `folder` and file `name`.', isMapping: true },
  metadata: { type: 'any', summary: 'Dotprompt metadata; ignored here.' },
  name: { type: 'string', summary: 'Dotprompt prompt name; ignored here (results are named after the file).' },
  variant: { type: 'string', summary: 'Dotprompt variant; ignored here.' },
  description: { type: 'string', summary: 'Dotprompt description; ignored here.' },
  tools: { type: 'any', summary: 'Dotprompt tools; ignored here.' },
  'config.width': {
    type: 'integer, 64–4096',
    summary: 'Image width in pixels; unset leaves it to the provider.',
    limits: [
      `TAMS: a multiple of ${T.sizeStep} from ${T.sizeMin} to ${T.sizeMax}`,
      'Bifrost: set with height (one size); dall-e-2 256/512/1024 square, dall-e-3 1024x1024, 1792x1024, 1024x1792',
      'Serika: 1024 when unset',
    ],
  },
  'config.height': {
    type: 'integer, 64–4096',
    summary: 'Image height in pixels; unset leaves it to the provider.',
    limits: [
      `TAMS: a multiple of ${T.sizeStep} from ${T.sizeMin} to ${T.sizeMax}`,
      'Bifrost: set with width (one size)',
      'Serika: 1024 when unset',
    ],
  },
  'config.steps': {
    type: 'integer, 1–200',
    summary: 'Diffusion steps: more is slower and often finer.',
    limits: [`TAMS: ${T.stepsMin}–${T.stepsMax}`, 'Bifrost, PhotoGPT: not sent'],
  },
  'config.cfgScale': {
    type: 'number, 0–50',
    summary: 'Guidance scale (CFG): how closely the image follows the prompt.',
    limits: [`TAMS: at most ${T.cfgMax}`, 'Bifrost: no such field (a problem)', 'PhotoGPT: not sent'],
  },
  'config.sampler': {
    type: 'string',
    summary:
      'Sampling method, by the name the provider uses (A1111 names such as `Euler a` on Serika and TAMS). No provider documents its list.',
    limits: ['Bifrost: no such field (a problem)', 'PhotoGPT: not sent'],
  },
  'config.seed': {
    type: 'integer, -1–4294967295',
    summary: 'Random seed for repeatable images; -1 or unset lets the provider choose (the chosen seed is kept with each image).',
  },
  'config.negativePrompt': { type: 'string', summary: 'What the image should not show.', limits: ['PhotoGPT: not sent'] },
  'config.count': {
    type: 'integer, 1–10',
    summary: 'Images per job; unset means one.',
    limits: ['Serika: 1', `TAMS: ${T.countMin}–${T.countMax}`, 'Bifrost: 1–10 (dall-e-3: 1)'],
  },
  'config.kind': { type: '"image" | "video"', summary: '`video` asks for a video instead of an image.', limits: ['video: PhotoGPT only'] },
  'input.default': {
    type: 'mapping of name → text',
    summary: "Values of the body's `{{variables}}`; a variable without one is asked for when generating.",
    isMapping: true,
  },
  'input.schema': { type: 'any', summary: 'Dotprompt input schema; ignored here.' },
  'output.folder': {
    type: 'string: a workspace-relative path',
    summary: 'Folder results are saved in (the imageJobs.output.folder setting otherwise).',
  },
  'output.name': {
    type: 'string: a file name template',
    summary: 'File name without extension (the imageJobs.output.nameTemplate setting otherwise). Quote it: `name: "{{name}}-{{date}}"`.',
  },
};

/** output.name's placeholders, as fillNameTemplate fills them. */
export const NAME_PLACEHOLDERS: Readonly<Record<string, string>> = {
  name: "the prompt file's name (the prompt's first words without one)",
  seed: 'the seed (when unknown, the date and time: 20261122-101112)',
  index: 'the image number in the job, from 1',
  model: 'the model, "/" as "-"',
  date: 'the date, YYYY-MM-DD',
  time: 'the time, HHMMSS',
  job: 'the first 8 characters of the job id',
};

export function keyDocMarkdown(path: readonly string[]): string | undefined {
  const doc = KEY_DOCS[path.join('.')] ?? sweptKeyDoc(path);
  if (!doc) return undefined;
  const limits = doc.limits?.length ? `\n\n${doc.limits.map((limit) => `- ${limit}`).join('\n')}` : '';
  return `**${path.join('.')}**: ${doc.type}\n\n${doc.summary}${limits}`;
}

/** `sweep.<key>`: a list of what `<key>` takes, with that key's own limits. */
function sweptKeyDoc(path: readonly string[]): KeyDoc | undefined {
  const [parent, key] = path;
  if (parent !== 'sweep' || !key || path.length !== 2) return undefined;
  const own = KEY_DOCS[`config.${key}`] ?? (key === 'model' ? KEY_DOCS.model : undefined);
  const what = own ? `${own.type.replace(/^(integer|number|string)\b/, '$1s')}` : 'text for the `{{' + key + '}}` placeholder';
  return {
    type: `list of ${what}`,
    summary: `One job per value${own ? `: ${own.summary}` : '.'}`,
    limits: own?.limits,
  };
}
