// The requests a file makes (one, or one per cell of its sweep) checked against their provider's rules
// (the caller's checkRequest, see promptCheck.ts), each problem placed where the file writes what
// breaks it: the cell's swept value, else the config value, else the model.
import { SANDBOX_MODELS } from '../providers/catalog';
import type { RequestProblem } from '../providers/types';
import type { PromptModel } from './frontMatterValues';
import { replaceWith, type PromptFix } from './promptDiagnostic';
import type { PromptConfig } from './promptSchema';
import { closestName } from './suggestions';
import type { CheckedAxis } from './sweepCheck';
import { cellPositions, cellSettings } from './sweepCells';

type Path = readonly PropertyKey[];

export interface PlacedProblem {
  readonly problem: RequestProblem;
  /** The model of the request that has it (a sweep may have several). */
  readonly model: PromptModel;
  readonly path: Path;
}

export type CheckRequest = (settings: { readonly model: PromptModel; readonly config: PromptConfig }) => readonly RequestProblem[];

/**
 * Every problem of every cell (one cell without a sweep), each once per place: a value every cell
 * shares is one diagnostic, not one per cell. Cells without a model (the default provider's) are
 * checked when submitted.
 */
export function placedProblems(
  axes: readonly CheckedAxis[],
  base: { readonly model?: PromptModel; readonly config: PromptConfig },
  check: CheckRequest,
  isWritten: (path: Path) => boolean,
): PlacedProblem[] {
  const placed = new Map<string, PlacedProblem>();
  // a key none of whose values has the right type is reported already; the other keys are still checked
  axes = axes.filter((axis) => axis.values.length > 0);
  for (const position of cellPositions(axes.map((axis) => axis.values.length))) {
    const cell = cellSettings(
      axes,
      position.map((index, axis) => axes[axis]!.values[index]!.value),
    );
    const model = cell.model ?? base.model;
    if (!model) continue;
    for (const problem of check({ model, config: { ...base.config, ...cell.config } })) {
      const path = placeOf(problem.field, axes, position, isWritten);
      const key = `${path.join('.')}\0${model.providerId}\0${problem.message}`;
      if (!placed.has(key)) placed.set(key, { problem, model, path });
    }
  }
  return [...placed.values()];
}

/** The swept value of this cell when the field is swept, else where `config` writes it, else the model. */
function placeOf(
  field: RequestProblem['field'],
  axes: readonly CheckedAxis[],
  position: readonly number[],
  isWritten: (path: Path) => boolean,
): Path {
  const swept = (key: string): Path | undefined => {
    const axis = axes.findIndex((candidate) => candidate.key === key);
    return axis < 0 ? undefined : ['sweep', key, axes[axis]!.values[position[axis]!]!.index];
  };
  const key = field === 'operation' ? 'kind' : (field ?? '');
  const written = pathOfField(field);
  return swept(key) ?? (isWritten(written) ? written : (swept('model') ?? ['model']));
}

/** Where a request problem's field is written in the front matter. */
export function pathOfField(field: RequestProblem['field']): readonly string[] {
  if (field === 'model') return ['model'];
  if (field === 'operation') return ['config', 'kind'];
  return ['config', field ?? ''];
}

/** The Sandbox's models are known here, so a misspelt one can be corrected. */
export function sandboxModelFix(model: PromptModel, problem: RequestProblem): PromptFix | undefined {
  if (model.providerId !== 'sandbox' || problem.field !== 'model') return undefined;
  const near = closestName(model.model, SANDBOX_MODELS);
  return near ? replaceWith(`sandbox/${near}`) : undefined;
}
