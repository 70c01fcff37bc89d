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
