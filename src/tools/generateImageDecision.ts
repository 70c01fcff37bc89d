// Whether an imageJobs_generate call may run, and what it will do: its input, the workspace's trust
// and the provider's setup, checked in that order before anything is recorded. The same decision
// feeds the confirmation (prepareInvocation) and the run (invoke). No `vscode` import: the window's
// state comes in through GenerationContext, so this is unit-tested with node; it loads with the engine.
import { fullModelName, imageCount, type ProviderId } from '../core/jobModel';
import type { GenerationDefaults } from '../core/prompt/generationPlan';
import { providerInfo } from '../core/providers/catalog';
import { parseGenerateImageInput } from '../core/tools/imageToolInput';
import { planImageTool, type ImageToolPlan } from '../core/tools/imageToolPlan';
import { NO_FOLDER, nothingGenerated, setupMissing, untrustedWorkspace, type GenerationSummary } from './generateImageText';

/** The window as a call sees it; `T` is how the host names a document (a vscode.Uri). */
export interface GenerationContext<T> {
  readonly hasFolder: boolean;
  readonly trusted: boolean;
  /** The document the image goes into, or why it cannot be used. */
  resolveTarget(written: string): T | { readonly problem: string };
  /** The settings that apply beside the target document (or in the first folder). */
  defaultsFor(target: T | undefined): GenerationDefaults;
  /** How the workspace names the output folder, for the confirmation and the result. */
  folderLabel(outputRoot: string, folder: string): string;
  /** What the provider still needs before a job can be sent: a key or a setting only the user can give. */
  missingSetup(providerId: ProviderId): Promise<{ readonly kind: 'apiKey' | 'setting'; readonly message: string } | undefined>;
}

export type GenerationDecision<T> =
  | { readonly kind: 'refuse'; readonly text: string }
  | { readonly kind: 'run'; readonly plan: ImageToolPlan; readonly summary: GenerationSummary; readonly target?: T };

export async function decideGeneration<T>(raw: unknown, context: GenerationContext<T>): Promise<GenerationDecision<T>> {
  if (!context.hasFolder) return { kind: 'refuse', text: NO_FOLDER };
  const input = parseGenerateImageInput(raw);
  if (!input.ok) return { kind: 'refuse', text: nothingGenerated(input.problems) };
  const target = input.value.targetDocument === undefined ? undefined : context.resolveTarget(input.value.targetDocument);
  if (isProblem(target)) return { kind: 'refuse', text: nothingGenerated([target.problem]) };
  const plan = planImageTool(input.value, context.defaultsFor(target));
  if (!plan.ok) return { kind: 'refuse', text: nothingGenerated(plan.problems) };
  const { request, output } = plan.value;
  const { displayName } = providerInfo(request.providerId);
  // restricted mode: whatever a workspace file may have told the agent, only the offline Sandbox runs
  if (!context.trusted && request.providerId !== 'sandbox') return { kind: 'refuse', text: untrustedWorkspace(displayName) };
  const missing = await context.missingSetup(request.providerId);
  if (missing) return { kind: 'refuse', text: setupMissing(missing.message, missing.kind) };
  const summary: GenerationSummary = {
    providerName: displayName,
    model: fullModelName(request),
    count: imageCount(request.params),
    width: request.params.width,
    height: request.params.height,
    outputFolder: context.folderLabel(output.root, output.folder),
    prompt: request.prompt,
  };
  return { kind: 'run', plan: plan.value, summary, target };
}

function isProblem<T>(value: T | { readonly problem: string } | undefined): value is { readonly problem: string } {
  return typeof value === 'object' && value !== null && 'problem' in value;
}
