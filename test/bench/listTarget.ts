// The list-refresh target (issue 13, Serika): many jobs refreshed through one GET /jobs, fewer than
// 0.3 status requests per job, at a detection lag no worse than the engine's row on another provider
// (TAMS, which reports progress). Status requests are list requests plus the GET /jobs/{id} that asked
// whether a job was done; result fetches (a job's GET once a list showed it finished, for the result
// the list does not carry) are printed apart and not counted: countedSerikaServer.ts draws the line.
import type { FakeProviderServer } from '../fixtures/providers/fakeServer';
import { CountedSerikaServer } from './countedSerikaServer';
import { percent, quantile, statusPerJob, type Row } from './report';

export const STATUS_PER_JOB_TARGET = 0.3;

/** Status requests and, where the server tells them apart, result fetches. */
export function requestCounts(server: FakeProviderServer): { statusRequests: number; resultFetches?: number } {
  if (server instanceof CountedSerikaServer) return { statusRequests: server.statusRequests, resultFetches: server.resultFetches };
  let statusRequests = 0;
  for (const count of server.requestsPerJob.values()) statusRequests += count;
  return { statusRequests };
}

const lagQuantile = (row: Row, q: number) =>
  quantile(
    row.runs.flatMap((run) => run.relative).sort((a, b) => a - b),
    q,
  );
const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');

/**
 * Prints the verdict for each engine row (a model new to it, and with earlier jobs) against the same
 * row of the reference provider; met when one of them meets all, as for the other targets.
 */
export function meetsListTarget(rows: readonly Row[], reference: readonly Row[], referenceName: string): boolean {
  for (const row of rows) {
    const fetches = row.runs.map((run) => run.resultPerJob ?? 0);
    console.log(
      `${row.label}: result fetches ${(fetches.reduce((a, b) => a + b, 0) / fetches.length).toFixed(2)}/job, not counted in the status requests above`,
    );
  }
  let met = false;
  for (const row of rows.filter((candidate) => candidate.label.startsWith('Image Jobs engine'))) {
    const peer = reference.find((candidate) => candidate.label === row.label);
    if (!peer) {
      console.log(`${row.label}: no ${referenceName} row of the same kind to compare with: MISSED`);
      continue;
    }
    const status = statusPerJob(row);
    const [p95, p99] = [lagQuantile(row, 0.95), lagQuantile(row, 0.99)];
    const [peer95, peer99] = [lagQuantile(peer, 0.95), lagQuantile(peer, 0.99)];
    const fewer = status < STATUS_PER_JOB_TARGET;
    const lagOk = p95 <= peer95 && p99 <= peer99;
    console.log(
      `${row.label}: status requests ${status.toFixed(2)}/job < ${STATUS_PER_JOB_TARGET} ${verdict(fewer)}; ` +
        `lag p95 ${percent(p95)}, p99 ${percent(p99)} no worse than ${referenceName}'s ${percent(peer95)}, ${percent(peer99)} ${verdict(lagOk)}`,
    );
    met ||= fewer && lagOk;
  }
  return met;
}
