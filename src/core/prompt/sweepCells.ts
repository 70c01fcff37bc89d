// A `.prompt` file's sweep: every combination of the values its `sweep:` block lists, in a fixed
// order, and what each combination changes in the request. Loaded at activation (Generate, the
// CodeLens): no zod and no YAML here; sweepCheck.ts reads and checks the block.
import type { SweepCell, SweepValue } from '../generationParams';
import type { PromptModel } from './frontMatterValues';
import type { PromptConfig } from './promptSchema';

export type { SweepValue };

/** What a swept key changes: a `config` value, the `model`, or a `{{variable}}` of the body. */
export type SweepKeyKind = 'config' | 'model' | 'variable';

export interface SweepAxis {
  readonly key: string;
  readonly kind: SweepKeyKind;
  /** As written, in order; checked by sweepCheck.ts (a config value has its key's type, a model is `provider/model`). */
  readonly values: readonly SweepValue[];
}

/**
 * The most jobs one sweep may make. A batch is meant to be looked at whole; and the job store keeps
 * the newest 500 finished jobs (jobPersistence.ts), so a batch this size still survives a reload whole.
 */
export const MAX_SWEEP_JOBS = 400;

/** A cell before it is submitted: everything but the batch id, which the job manager gives the batch. */
export type SweepPlacement = Omit<SweepCell, 'batchId'>;

/** How many jobs the sweep makes: the product of its lists' lengths. */
export function sweepSize(axes: readonly Pick<SweepAxis, 'values'>[]): number {
  return axes.reduce((product, axis) => product * axis.values.length, 1);
}

/** "3 × 3 × 2". */
export function sweepShapeText(axes: readonly Pick<SweepAxis, 'values'>[]): string {
  return axes.map((axis) => axis.values.length).join(' × ');
}

/**
 * The shape beside a count of jobs: "3 × 3 × 2"; one key's shape would only repeat the count, so it
 * names the key instead: "one per seed".
 */
export function sweepShapeNote(axes: readonly Pick<SweepAxis, 'key' | 'values'>[]): string {
  return axes.length === 1 ? `one per ${axes[0]!.key}` : sweepShapeText(axes);
}

/** Why the sweep's confirmation was asked, and the setting that decides it (0: before every sweep). */
export function sweepConfirmReason(confirmAbove: number): string {
  return confirmAbove > 0
    ? `Asked when a sweep makes more than ${confirmAbove} ${confirmAbove === 1 ? 'job' : 'jobs'} (imageJobs.sweep.confirmAbove).`
    : 'Asked before every sweep, as imageJobs.sweep.confirmAbove is 0.';
}

/**
 * The coordinates of every cell, as nested loops in the order the keys are written: the first key
 * varies slowest, the last fastest. `lengths` must all be at least 1.
 */
export function* cellPositions(lengths: readonly number[]): Generator<readonly number[]> {
  const total = lengths.reduce((product, length) => product * length, 1);
  for (let index = 0; index < total; index++) {
    const position = new Array<number>(lengths.length);
    let rest = index;
    for (let axis = lengths.length - 1; axis >= 0; axis--) {
      position[axis] = rest % lengths[axis]!;
      rest = Math.floor(rest / lengths[axis]!);
    }
    yield position;
  }
}

/** Every cell of the sweep, in product order (cellPositions). */
export function sweepCells(axes: readonly SweepAxis[]): SweepPlacement[] {
  const keys = axes.map((axis) => axis.key);
  const shape = axes.map((axis) => axis.values.length);
  return [...cellPositions(shape)].map((position) => ({
    keys,
    values: position.map((index, axis) => axes[axis]!.values[index]!),
    position: [...position],
    shape,
  }));
}

/** A cell in words, its values: "seed 1 · cfgScale 5 · place a valley" (its row in the Jobs view, its log lines). */
export function cellDescription(cell: Pick<SweepCell, 'keys' | 'values'>): string {
  return cell.keys.map((key, axis) => `${key} ${String(cell.values[axis])}`).join(' · ');
}

/** What one cell sets: config values, the model, variables. */
export interface CellSettings {
  readonly config: PromptConfig;
  readonly model?: PromptModel;
  readonly variables: Readonly<Record<string, string>>;
}

/** The settings a cell's values make, the kind of each key read from `axes`. */
export function cellSettings(axes: readonly Pick<SweepAxis, 'key' | 'kind'>[], values: readonly SweepValue[]): CellSettings {
  const config: Record<string, SweepValue | undefined> = {};
  const variables: Record<string, string> = {};
  let model: PromptModel | undefined;
  axes.forEach((axis, index) => {
    const value = values[index]!;
    // seed -1 asks for a random seed, as in config: no seed at all, whatever config says
    if (axis.kind === 'config') config[axis.key] = axis.key === 'seed' && Number(value) < 0 ? undefined : value;
    else if (axis.kind === 'variable') variables[axis.key] = String(value);
    else model = modelFromName(String(value));
  });
  return { config: config as PromptConfig, model, variables };
}

/** `provider/model` → its parts; the name was checked when the file was read. */
function modelFromName(name: string): PromptModel {
  const slash = name.indexOf('/');
  return { providerId: name.slice(0, slash) as PromptModel['providerId'], model: name.slice(slash + 1) };
}

/**
 * The Generate CodeLens's title: "Generate" for one image, "Generate 4 images" for a file whose job
 * makes several (`count: 4`), and a sweep's as sweepGenerateTitle says: the lens always says how
 * many images a click makes whenever that is more than one.
 */
export function generateTitle(axes: readonly SweepAxis[] | undefined, count: number | undefined): string {
  if (axes) return sweepGenerateTitle(axes, count);
  const images = count ?? 1;
  return images > 1 ? `Generate ${images} images` : 'Generate';
}

/**
 * The CodeLens: "Generate 18 images (3 × 3 × 2)"; "Generate 36 images (3 × 3 × 2 jobs)" when jobs
 * make several images each. One key's shape would only repeat the count, so it names the key
 * instead: "Generate 4 images (one per seed)". `baseCount` is config.count, for a sweep that does
 * not sweep `count`.
 */
export function sweepGenerateTitle(axes: readonly SweepAxis[], baseCount: number | undefined): string {
  const countAxis = axes.findIndex((axis) => axis.kind === 'config' && axis.key === 'count');
  const jobs = sweepSize(axes);
  let images = jobs * (baseCount ?? 1);
  if (countAxis >= 0) {
    const counts = axes[countAxis]!.values.reduce<number>((sum, value) => sum + Number(value), 0);
    images = (jobs / axes[countAxis]!.values.length) * counts;
  }
  const note = images !== jobs ? `${sweepShapeText(axes)} jobs` : sweepShapeNote(axes);
  return `Generate ${images} image${images === 1 ? '' : 's'} (${note})`;
}
