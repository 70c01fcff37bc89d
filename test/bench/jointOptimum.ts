// The fewest status requests per job of any blind schedule (the same poll times after submission for
// every job) whose p95 lag is within a relative limit ℓ AND within an absolute limit A: the question
// whether one client can be near the relative-only optimum and no later than the 2 s loop at once.
//
// A job of duration D is covered-relative iff the first poll at or after D lands by D(1 + ℓ), and
// covered-absolute iff it lands by D + A; each must hold for the bench's p95 (jobsToCover). A poll can
// move later, without uncovering a job or adding a request, until it meets the limit of a job it
// covers or the next poll, so optimal polls sit at some D_k(1 + ℓ) or D_k + A (and the last one sees
// the longest job). The p95 lets only n − jobsToCover jobs go uncovered in each sense, a handful, so
// the dynamic program over the last poll counts them exactly instead of pricing them with
// multipliers: f[poll][uncovered relative][uncovered absolute] = fewest requests. Exact, no bracket.
import { countAtMost, jobsToCover } from './blindOptimum';

export interface LagLimits {
  /** Relative limit ℓ (0.15: within 15% of the job's duration). */
  readonly relative: number;
  /** Absolute limit A, in the durations' unit; Infinity for none. */
  readonly absolute: number;
  /** Share of jobs each limit must hold for (0.95 for a p95). */
  readonly share?: number;
}

export interface JointOptimum {
  /** Fewest requests per job of any blind schedule within both limits. */
  readonly requestsPerJob: number;
  /** One schedule that makes them: poll times after submission. */
  readonly polls: number[];
}

/** Requests per job and jobs covered in each sense, for given poll times (sorted), as the bench counts them. */
export function evaluateSchedule(
  durations: readonly number[],
  polls: readonly number[],
  limits: LagLimits,
): { requestsPerJob: number; relativeCovered: number; absoluteCovered: number } {
  let requests = 0;
  let relativeCovered = 0;
  let absoluteCovered = 0;
  for (const d of durations) {
    const seeing = polls.findIndex((p) => p >= d);
    if (seeing < 0) return { requestsPerJob: Infinity, relativeCovered: 0, absoluteCovered: 0 };
    requests += seeing + 1;
    if (polls[seeing]! <= d * (1 + limits.relative)) relativeCovered++;
    if (polls[seeing]! <= d + limits.absolute) absoluteCovered++;
  }
  return { requestsPerJob: requests / durations.length, relativeCovered, absoluteCovered };
}

export function jointOptimum(durations: readonly number[], limits: LagLimits): JointOptimum {
  const d = Float64Array.from(durations).sort();
  const n = d.length;
  if (n === 0) return { requestsPerJob: NaN, polls: [] };
  const slack = n - jobsToCover(n, limits.share ?? 0.95); // jobs each limit may leave uncovered
  const side = slack + 1;
  // with no absolute limit no job is ever uncovered in that sense: one column, not slack + 1 of them
  // (on 600 jobs, the relative-only optimum ran an order of magnitude faster)
  const maxAbsolute = Number.isFinite(limits.absolute) ? slack : 0;
  const sideAbsolute = maxAbsolute + 1;
  // each job's latest covering poll, by the same arithmetic the candidates use, so ties compare exactly
  const relativeEnd = d.map((x) => x * (1 + limits.relative));
  const absoluteEnd = d.map((x) => x + limits.absolute);
  const points = [...new Set([...relativeEnd, ...(Number.isFinite(limits.absolute) ? absoluteEnd : [])])].sort((a, b) => a - b);
  const m = points.length;
  const upTo = Int32Array.from(points, (p) => countAtMost(d, p)); // jobs a poll at p sees (ended by then)
  const relativeGone = Int32Array.from(points, (p) => countAtMost(relativeEnd, p, true)); // too late for these
  const absoluteGone = Int32Array.from(points, (p) => countAtMost(absoluteEnd, p, true));
  // best[k][r][a]: fewest requests (beyond each job's seeing poll) with the last poll at points[k]
  const best = new Float64Array(m * side * sideAbsolute).fill(Infinity);
  const parent = new Int32Array(m * side * sideAbsolute).fill(-1);
  const at = (k: number, r: number, a: number) => (k * side + r) * sideAbsolute + a;
  const uncovered = (seenBefore: number, k: number, gone: Int32Array) =>
    upTo[k]! - seenBefore - Math.max(0, upTo[k]! - Math.max(seenBefore, gone[k]!));
  for (let k = 0; k < m; k++) {
    const cost = n - upTo[k]!; // jobs still running when this poll comes
    // as the first poll
    const r0 = uncovered(0, k, relativeGone);
    const a0 = uncovered(0, k, absoluteGone);
    if (upTo[k]! > 0 && r0 <= slack && a0 <= maxAbsolute) best[at(k, r0, a0)] = cost;
    for (let i = 0; i < k; i++) {
      if (upTo[i]! >= upTo[k]!) continue; // a poll that sees no new job only costs
      const dr = uncovered(upTo[i]!, k, relativeGone);
      const da = uncovered(upTo[i]!, k, absoluteGone);
      for (let r = 0; r + dr <= slack; r++)
        for (let a = 0; a + da <= maxAbsolute; a++) {
          const before = best[at(i, r, a)]!;
          const index = at(k, r + dr, a + da);
          if (before + cost < best[index]!) {
            best[index] = before + cost;
            parent[index] = at(i, r, a);
          }
        }
    }
  }
  let end = -1;
  for (let k = 0; k < m; k++) {
    if (upTo[k]! < n) continue; // the last poll must see the longest job
    for (let index = at(k, 0, 0); index < at(k + 1, 0, 0); index++) if (end < 0 || best[index]! < best[end]!) end = index;
  }
  if (end < 0 || best[end] === Infinity) return { requestsPerJob: Infinity, polls: [] };
  const polls: number[] = [];
  for (let index = end; index >= 0; index = parent[index]!) polls.unshift(points[Math.floor(index / (side * sideAbsolute))]!);
  return { requestsPerJob: (n + best[end]!) / n, polls };
}
