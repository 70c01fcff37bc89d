// Settings a provider's request has no field for. They are not dropped silently: each one the user set
// becomes a warning on its value in the `.prompt` file. A warning, not an error: the request can go
// without it, and the provider then applies its own behaviour.
import type { GenerationParams } from '../jobModel';
import { generationParamsSchema } from '../generationParams';
import type { RequestProblem } from './types';

export type ParamName = keyof GenerationParams;

/** Every generation parameter, from the one schema that defines them (a new one is covered too). */
export const ALL_PARAMS = Object.keys(generationParamsSchema.shape) as readonly ParamName[];

/** Set, and a value the common schema accepts: an invalid one gets that schema's error, which a warning must not stand in for. */
function isValidSetting(params: GenerationParams, field: ParamName): boolean {
  return params[field] !== undefined && generationParamsSchema.shape[field].safeParse(params[field]).success;
}

/** A warning for each of `fields` that `params` sets, worded by `message`. */
export function unsentParams(
  params: GenerationParams,
  fields: readonly ParamName[],
  message: (field: ParamName) => string,
): RequestProblem[] {
  return fields.filter((field) => isValidSetting(params, field)).map((field) => ({ field, severity: 'warning', message: message(field) }));
}
