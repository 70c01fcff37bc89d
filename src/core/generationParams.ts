// The one definition of generation parameters: the job model's type, the `.prompt` file's `config`
// and provenance all derive from this schema. Its limits are the ones no provider exceeds; each
// provider's own, narrower limits are checked by validateRequest (providers/requestRules.ts).
// Import it as a type outside the engine bundle: the schema pulls in zod.
import { z } from 'zod';

export const generationParamsSchema = z
  .object({
    width: z.number().int().min(64).max(4096),
    height: z.number().int().min(64).max(4096),
    steps: z.number().int().min(1).max(200),
    cfgScale: z.number().min(0).max(50),
    sampler: z.string().min(1),
    /** Requested seed; undefined lets the provider choose (the chosen one is kept on each asset). */
    seed: z.number().int().min(0).max(0xffffffff),
    negativePrompt: z.string(),
    /** Images per job; absent means one. */
    count: z.number().int().min(1).max(10),
  })
  .partial();

/**
 * Generation parameters the user set (in a `.prompt` file's `config`). Only these are sent: each
 * provider's documents give its own defaults for the rest (Serika 1024×1024, TAMS none, ...), and a
 * provider applies a default itself only where its API requires the field.
 */
export type GenerationParams = Readonly<z.infer<typeof generationParamsSchema>>;

/** A swept value as the file writes it: a number for numeric keys, text for the rest. */
export const sweepValueSchema = z.union([z.string(), z.number()]);

export type SweepValue = z.infer<typeof sweepValueSchema>;

/**
 * Where a job sits in a sweep (a `.prompt` file's `sweep:` block, see prompt/sweepCells.ts): kept on
 * the job and in each image's sidecar, so a grid of the batch can be laid out from the files alone.
 */
export const sweepCellSchema = z
  .object({
    /** Shared by every job the sweep made. */
    batchId: z.string().min(1),
    /** The swept keys in the order the file writes them: config keys, `model`, or `{{variable}}` names. */
    keys: z.array(z.string().min(1)).min(1),
    /** This job's value for each key, in `keys` order. */
    values: z.array(sweepValueSchema),
    /** Each value's index in its key's list: the cell's coordinates in the grid. */
    position: z.array(z.number().int().min(0)),
    /** How many values each key has: the grid's shape (a cell that failed has no image, but has a place). */
    shape: z.array(z.number().int().min(1)),
  })
  .refine(
    (cell) =>
      [cell.values, cell.position, cell.shape].every((list) => list.length === cell.keys.length) &&
      cell.position.every((index, axis) => index < cell.shape[axis]!),
    'keys, values, position and shape must have one entry per swept key, each position inside its shape',
  );

export type SweepCell = Readonly<z.infer<typeof sweepCellSchema>>;
