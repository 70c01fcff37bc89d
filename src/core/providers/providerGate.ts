// Per-provider traffic control: the documented rate limits (sliding windows per kind of call), a cap on
// requests in flight, and a pause after a 429 so one rate limit is not hit by every job: provider-wide,
// unless the provider documents its limits per kind of call alone.
import type { ProviderId } from '../jobModel';

export type CallKind = 'submit' | 'poll' | 'cancel' | 'admin';

export interface RateLimit {
  readonly requests: number;
  readonly perMs: number;
}

export interface ProviderLimits {
  /** Limits by kind of call; `all` applies to every call. */
  readonly rates?: Partial<Record<CallKind | 'all', RateLimit>>;
  readonly maxInFlight: number;
  /**
   * Held status requests at once (SubModel's /status-sync), apart from maxInFlight: each waits at the
   * provider for up to its wait, so it must not take a slot that other jobs' polls need.
   */
  readonly maxHeld?: number;
  /** Status requests at once, held ones included, where the provider documents a limit for them together. */
  readonly maxPollsWithHeld?: number;
}

/** From the providers' docs (shared/specs/PROVIDERS.md); unlisted providers document none. */
export const PROVIDER_LIMITS: Readonly<Record<ProviderId, ProviderLimits>> = {
  sandbox: { maxInFlight: 16 },
  serika: { maxInFlight: 8 },
  tams: { rates: { all: { requests: 5, perMs: 1000 } }, maxInFlight: 5 },
  bifrost: { maxInFlight: 16 },
  photogpt: { maxInFlight: 8 },
  submodel: {
    rates: {
      submit: { requests: 1000, perMs: 10_000 },
      poll: { requests: 2000, perMs: 10_000 },
      cancel: { requests: 100, perMs: 10_000 },
      admin: { requests: 2, perMs: 10_000 },
    },
    maxInFlight: 200,
    // /status, /status-sync and /stream: 400 concurrent together, less 10 (the provider may count a
    // request a moment longer than we do). Polls take about a round trip each (the scheduler sends at
    // most 64 at once): the 40 left beside 350 held ones are ample, and a poll finding none waits.
    maxPollsWithHeld: 390,
    maxHeld: 350,
  },
};

/** Clock skew between our count and the server's: keep this much clear of its window. */
const WINDOW_MARGIN_MS = 10;
/** How soon to look again when the window is full of calls still waiting for their answer. */
const RECHECK_MS = 25;

/**
 * The last calls, each counted from its start until its answer plus the window: the server saw it
 * somewhere in between (a cold connection can delay arrival well past the start), never after.
 */
class SlidingWindow {
  private readonly calls: { answeredAt?: number }[] = [];
  private readonly spanMs: number;
  constructor(private readonly limit: RateLimit) {
    this.spanMs = limit.perMs + WINDOW_MARGIN_MS;
  }

  waitMs(now: number): number {
    for (let i = this.calls.length - 1; i >= 0; i--) {
      const answeredAt = this.calls[i]!.answeredAt;
      if (answeredAt !== undefined && answeredAt <= now - this.spanMs) this.calls.splice(i, 1);
    }
    if (this.calls.length < this.limit.requests) return 0;
    const answered = this.calls.map((call) => call.answeredAt).filter((at): at is number => at !== undefined);
    return answered.length ? Math.max(1, Math.min(...answered) + this.spanMs - now) : RECHECK_MS;
  }

  /** Counts a call; the returned function marks it answered. */
  start(): (answeredAt: number) => void {
    const call: { answeredAt?: number } = {};
    this.calls.push(call);
    return (answeredAt) => (call.answeredAt = answeredAt);
  }
}

/**
 * Thrown instead of waiting by a call that asked not to wait out a pause: a submission waits visibly,
 * and on the record, before it enters the gate (jobSubmitter.ts), so it must not wait unseen in here.
 */
export class ProviderPaused extends Error {
  override readonly name = 'ProviderPaused';
  constructor(readonly until: number) {
    super(`calls are paused until ${new Date(until).toISOString()} after a 429`);
  }
}

export interface GateOptions {
  /** Throw ProviderPaused instead of waiting out a pause after a 429. */
  readonly refuseWhilePaused?: boolean;
  /** Told (maybe more than once) that the call waits before it goes: for a slot, a rate window or a pause. */
  readonly onWait?: () => void;
}

/**
 * When calls queue for a slot, status checks and cancels go before submissions: a burst of submits
 * must not delay noticing finished jobs (their URLs expire) or stopping paid work. Every few
 * handovers one submit still goes first, so a flood of polls cannot starve them either.
 */
const SUBMIT_EVERY_NTH_HANDOVER = 4;

export class ProviderGate {
  private readonly windows = new Map<CallKind | 'all', SlidingWindow>();
  private inFlight = 0;
  private held = 0;
  /** Polls in flight (apart from held requests), and polls waiting for room beside them. */
  private polls = 0;
  private readonly pollsWaiting: (() => void)[] = [];
  private readonly waiting = { urgent: [] as (() => void)[], submit: [] as (() => void)[] };
  private handoversSinceSubmit = 0;
  /** Set by a 429: no call before this (ms since epoch). */
  private pausedUntil = 0;
  /** The same, for one kind of call, where the provider documents its limits per kind alone. */
  private readonly kindPausedUntil = new Map<CallKind, number>();
  /** Calls asleep until a pause ends: woken early when it is lifted (endPauses). */
  private readonly pauseSleepers = new Set<() => void>();

  constructor(
    private readonly limits: ProviderLimits,
    private readonly now: () => number = Date.now,
  ) {
    for (const [kind, limit] of Object.entries(limits.rates ?? {})) this.windows.set(kind as CallKind, new SlidingWindow(limit));
  }

  /**
   * After a 429 to a call of `kind`: nothing goes to this provider before `ms` has passed. Where the
   * provider documents its limits per kind of call and none for all together (SubModel counts /run,
   * /status and /cancel apart), a 429 on one kind says nothing of the others, and only that kind
   * waits; otherwise (an account-wide limit, or one the documents do not describe) every call does.
   * Returns when calls of `kind` may go again.
   */
  pause(ms: number, kind?: CallKind): number {
    const until = this.now() + ms;
    if (kind && this.pausesEachKind) this.kindPausedUntil.set(kind, Math.max(this.kindPausedUntil.get(kind) ?? 0, until));
    else this.pausedUntil = Math.max(this.pausedUntil, until);
    return kind ? this.pauseEnds(kind) : this.pausedUntil;
  }

  /**
   * The pauses no longer hold (the provider's base URL or key changed: another server or account,
   * which asked for nothing): calls asleep for one go on at once. True when one still held.
   */
  endPauses(now = this.now()): boolean {
    const held = this.pausedUntil > now || [...this.kindPausedUntil.values()].some((until) => until > now);
    this.pausedUntil = 0;
    this.kindPausedUntil.clear();
    for (const wake of [...this.pauseSleepers]) wake();
    return held;
  }

  /** When the pause that holds calls of `kind` ends (ms since epoch); in the past when none does. */
  pauseEnds(kind: CallKind): number {
    return Math.max(this.pausedUntil, this.kindPausedUntil.get(kind) ?? 0);
  }

  /** Whether a 429 pauses only the kind of call it answered (see pause). */
  get pausesEachKind(): boolean {
    const rates = this.limits.rates;
    return rates !== undefined && rates.all === undefined && Object.keys(rates).length > 0;
  }

  /**
   * `refuseWhilePaused`: throw ProviderPaused instead of waiting out a pause (rate windows are still
   * waited for). `onWait`: told when the call has to wait for a slot or a rate window before it goes.
   */
  async run<T>(kind: CallKind, call: () => Promise<T>, options: GateOptions = {}): Promise<T> {
    await this.acquireSlot(kind, options.onWait);
    let answered: ((at: number) => void)[] = [];
    try {
      if (kind === 'poll') await this.acquirePollBesideHeld();
      answered = await this.waitForRate(kind, options);
      return await call();
    } finally {
      for (const mark of answered) mark(this.now());
      if (kind === 'poll') this.releasePollBesideHeld();
      this.releaseSlot();
    }
  }

  /**
   * Runs a held status request if one of `maxHeld` is free, otherwise returns undefined (the caller
   * polls as usual instead of waiting for one). It counts against the poll rate and the 429 pause.
   */
  tryRunHeld<T>(call: () => Promise<T>): Promise<T> | undefined {
    if (this.held >= (this.limits.maxHeld ?? 0) || this.pollsWithHeldFull()) return undefined;
    this.held++;
    return (async () => {
      let answered: ((at: number) => void)[] = [];
      try {
        answered = await this.waitForRate('poll');
        return await call();
      } finally {
        for (const mark of answered) mark(this.now());
        this.held--;
        this.wakePolls();
      }
    })();
  }

  private pollsWithHeldFull(): boolean {
    const limit = this.limits.maxPollsWithHeld;
    return limit !== undefined && this.polls + this.held >= limit;
  }

  /** A poll counts with the held requests against their shared limit, waiting for room if there is none. */
  private acquirePollBesideHeld(): Promise<void> {
    if (!this.pollsWithHeldFull()) {
      this.polls++;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.pollsWaiting.push(() => {
        this.polls++;
        resolve();
      }),
    );
  }

  private releasePollBesideHeld(): void {
    this.polls--;
    this.wakePolls();
  }

  private wakePolls(): void {
    while (this.pollsWaiting.length > 0 && !this.pollsWithHeldFull()) this.pollsWaiting.shift()!();
  }

  private async waitForRate(kind: CallKind, { refuseWhilePaused, onWait }: GateOptions = {}): Promise<((at: number) => void)[]> {
    const windows = [this.windows.get('all'), this.windows.get(kind)].filter((window): window is SlidingWindow => window !== undefined);
    for (;;) {
      const now = this.now();
      const pausedUntil = this.pauseEnds(kind);
      if (refuseWhilePaused && pausedUntil > now) throw new ProviderPaused(pausedUntil);
      const wait = Math.max(pausedUntil - now, ...windows.map((window) => window.waitMs(now)), 0);
      if (wait <= 0) break;
      onWait?.();
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.pauseSleepers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, wait);
        this.pauseSleepers.add(wake);
      });
    }
    return windows.map((window) => window.start());
  }

  private acquireSlot(kind: CallKind, onWait?: () => void): Promise<void> {
    if (this.inFlight < this.limits.maxInFlight) {
      this.inFlight++;
      return Promise.resolve();
    }
    onWait?.();
    // the slot is handed over on release
    return new Promise((resolve) => this.waiting[kind === 'submit' ? 'submit' : 'urgent'].push(resolve));
  }

  private releaseSlot(): void {
    const { urgent, submit } = this.waiting;
    const submitsTurn = submit.length > 0 && (urgent.length === 0 || this.handoversSinceSubmit >= SUBMIT_EVERY_NTH_HANDOVER - 1);
    const next = submitsTurn ? submit.shift() : urgent.shift();
    if (!next) {
      this.inFlight--;
      return;
    }
    this.handoversSinceSubmit = submitsTurn ? 0 : this.handoversSinceSubmit + 1;
    next();
  }
}
