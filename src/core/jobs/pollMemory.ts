// What polling remembers of each job between looks: errors in a row, the last ETA, when it was last
// seen queued, whether a list round covers it. A few fields per job, dropped when the job ends.

export interface PollMemory {
  /** A poll has been answered (or failed) since this window took the job. */
  looked?: boolean;
  /**
   * The job's looks have their own phase: a look was timed by a jittered guess from its age, and the
   * ones since followed from it. A look timed from outside (at once, Retry-After, back-off, the wait
   * for the scouts) loses it, so the next guess is jittered again (pollPolicy's `phased`).
   */
  phased?: boolean;
  consecutiveErrors: number;
  /** Answers in a row that the provider's documents do not describe. */
  unexpectedAnswers: number;
  retryAfterMs?: number;
  etaMs?: number;
  etaUncertainty?: number;
  /** First progress seen while running, to estimate the finish from the rate of progress. */
  progressStart?: { at: number; progress: number };
  /** Last answer that said queued: a job that must still start and run cannot finish much sooner. */
  queuedAt?: number;
  /**
   * At a provider with a list endpoint: 'listed' while the list covers the job (its next look is the
   * provider's next round); 'alone' once it must be asked by itself (the list does not hold it, or
   * shows it finished without its result, or its result URLs must be fetched afresh). Unset until a
   * round has seen it.
   */
  batch?: 'listed' | 'alone';
  /** When a round last found this window holding the job's lease. */
  leaseHeldAt?: number;
}

/** A poll was answered: the errors in a row it counted start again. */
export function answered(memory: PollMemory): void {
  memory.looked = true;
  memory.consecutiveErrors = 0;
  memory.unexpectedAnswers = 0;
  memory.retryAfterMs = undefined;
}

export class PollMemories {
  private readonly memories = new Map<string, PollMemory>();

  /** The job's memory, started empty at its first use. */
  of(id: string): PollMemory {
    let memory = this.memories.get(id);
    if (!memory) this.memories.set(id, (memory = { consecutiveErrors: 0, unexpectedAnswers: 0 }));
    return memory;
  }

  /** The job's memory if it has one, without starting one. */
  peek(id: string): PollMemory | undefined {
    return this.memories.get(id);
  }

  forget(id: string): void {
    this.memories.delete(id);
  }
}
