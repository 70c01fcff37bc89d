// What imageJobs_generate says: to the user before it runs (the confirmation), and to the agent after
// (paths, references, or what to do next). Plain text in and out (no vscode), unit-tested with node.
// Every refusal tells the agent what to do about it, since the agent reads it, not a person.
import { formatElapsed, type JobRecord } from '../core/jobModel';
import { oneLine } from '../core/oneLine';

/** What a call will do, as the confirmation and the progress message say it. */
export interface GenerationSummary {
  readonly providerName: string;
  /** `provider/model` */
  readonly model: string;
  readonly count: number;
  readonly width?: number;
  readonly height?: number;
  /** Where the images go, as the workspace names the folder. */
  readonly outputFolder: string;
  readonly prompt: string;
}

/** One saved image as the agent gets it. */
export interface SavedImageText {
  /** Workspace-relative path. */
  readonly path: string;
  /** The Markdown (or `<img>`) to insert, its path relative to the target document. */
  readonly reference: string;
  readonly width?: number;
  readonly height?: number;
  readonly seed?: number;
}

const SANDBOX_MODEL = 'sandbox/landscape';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** Backslash before every character Markdown could read as syntax: a prompt is shown, never rendered. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, '\\$&');
}

function sizeText(summary: Pick<GenerationSummary, 'width' | 'height'>): string {
  return summary.width && summary.height ? `${summary.width}×${summary.height}` : "the provider's default";
}

/** While it runs: "Generating 2 images with Serika (serika/flux-schnell)…" */
export function invocationMessage(summary: GenerationSummary): string {
  return `Generating ${plural(summary.count, 'image')} with ${summary.providerName} (${summary.model})…`;
}

/** Asked before a provider that may charge for images gets the job; the Sandbox needs no confirmation. */
export function confirmationMessages(summary: GenerationSummary): { readonly title: string; readonly message: string } {
  return {
    title: `Generate ${plural(summary.count, 'image')} with ${summary.providerName}?`,
    message: [
      `**Provider:** ${escapeMarkdown(summary.providerName)}  `,
      `**Model:** ${escapeMarkdown(summary.model)}  `,
      `**Images:** ${summary.count}, ${escapeMarkdown(sizeText(summary))}  `,
      `**Saved to:** ${escapeMarkdown(summary.outputFolder)}  `,
      `**Prompt:** ${escapeMarkdown(oneLine(summary.prompt, 300))}`,
      '',
      `${escapeMarkdown(summary.providerName)} may charge for each image.`,
    ].join('\n'),
  };
}

export function nothingGenerated(problems: readonly string[]): string {
  return [
    'Nothing was generated: the input has problems.',
    ...problems.map((problem) => `- ${problem}`),
    'Fix them and call imageJobs_generate again.',
  ].join('\n');
}

/** The provider needs a key or a setting the user must give: the agent cannot, and must not guess one. */
export function setupMissing(message: string, kind: 'apiKey' | 'setting'): string {
  const ask =
    kind === 'apiKey'
      ? 'Ask the user to run the command "Image Jobs: Set API Key" (imageJobs.setApiKey), then call imageJobs_generate again.'
      : 'Ask the user to set it in their settings, then call imageJobs_generate again.';
  return `Nothing was generated: ${message} ${ask} Or use model "${SANDBOX_MODEL}" (offline, no key; it draws placeholder landscapes).`;
}

export function untrustedWorkspace(providerName: string): string {
  return (
    `Nothing was generated: this workspace is not trusted (restricted mode), so Image Jobs' agent tool only uses the offline ` +
    `Sandbox here, not ${providerName}. Use model "${SANDBOX_MODEL}", or ask the user to trust the workspace ` +
    `(command "Workspaces: Manage Workspace Trust").`
  );
}

export const NO_FOLDER =
  'Nothing was generated: no folder is open, and images are saved inside the workspace. Ask the user to open a folder.';

/** The images are saved: where, and what to insert. */
export function generatedText(
  job: JobRecord,
  images: readonly SavedImageText[],
  referencesRelativeTo: string,
  notes: readonly string[] = [],
): string {
  const took = job.finishedAt ? ` in ${formatElapsed(job.finishedAt - job.createdAt)}` : '';
  const lines = [`Generated ${plural(images.length, 'image')} with ${job.request.providerId}/${job.request.model}${took} (job ${job.id}).`];
  for (const [index, image] of images.entries()) {
    const details = [
      image.width && image.height ? `${image.width}×${image.height}` : undefined,
      image.seed === undefined ? undefined : `seed ${image.seed}`,
    ].filter(Boolean);
    lines.push(`${index + 1}. ${image.path}${details.length ? ` (${details.join(', ')})` : ''}`);
    lines.push(`   Reference (relative to ${referencesRelativeTo}): ${image.reference}`);
  }
  for (const note of notes) lines.push(`Note: ${note}`);
  lines.push('Each image has a JSON sidecar beside it with its prompt and parameters. Insert the reference where the image belongs.');
  return lines.join('\n');
}

/** Failed, cancelled or expired: why, and whether calling again can help. */
export function endedWithoutImages(job: JobRecord): string {
  if (job.status === 'cancelled') return `The image job ${job.id} was cancelled (in the Image Jobs view); nothing was saved.`;
  const reason = job.error?.message ?? 'no reason given';
  const next =
    job.error?.kind === 'auth'
      ? 'The provider refused the API key: ask the user to run "Image Jobs: Set API Key" (imageJobs.setApiKey).'
      : job.error?.retryable || job.status === 'expired'
        ? 'Calling imageJobs_generate again may succeed.'
        : 'Check the input against this message before calling again; the Image Jobs log has the details.';
  return `The image job ${job.id} ${job.status}: ${reason}. Nothing was saved. ${next}`;
}

/** Still going when the tool stopped waiting: the job goes on, and its images will be in the gallery. */
export function stillRunning(job: JobRecord, waitedMs: number, outputFolder: string): string {
  return (
    `The image job ${job.id} is still ${job.status} after ${formatElapsed(waitedMs)}. It goes on in the Image Jobs view and ` +
    `saves its images under ${outputFolder}. Call imageJobs_listImages later with a few words of the prompt as query to get their paths.`
  );
}

export const JOB_REMOVED =
  'The image job was removed from the Image Jobs view (or retried as a new job) before it finished. ' +
  'Call imageJobs_listImages later to find its images.';
