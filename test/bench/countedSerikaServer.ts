// Serika's fixture, counting what the bench reports for it: list requests, and each GET /jobs/{id}
// as a status request or a result fetch. A status request asks whether a job is done; a result fetch
// asks a job a list answer already showed finished, for the result (or the reason) the list does not
// carry: the one GET a list cannot replace. A GET that finds a job done without a list having shown it
// (the fixed loop's, or a job too old for the list) asked whether it was done: a status request, even
// though its answer carries the result.
import { SERIKA_BASE_PATH, SerikaServer } from '../fixtures/providers/serikaServer';
import type { FakeJob, RecordedRequest } from '../fixtures/providers/fakeServer';

/** The list route's own path (serikaServer.ts). */
const LIST_PATH = new RegExp(`^${SERIKA_BASE_PATH}/jobs$`);

export class CountedSerikaServer extends SerikaServer {
  lists = 0;
  resultFetches = 0;
  /** Every GET /jobs/{id}, whatever it asked. */
  jobRequests = 0;
  private readonly shownFinished = new Set<string>();

  protected override recentJobs(): FakeJob[] {
    const listed = super.recentJobs();
    for (const job of listed) {
      const { phase } = this.timeline(job);
      if (phase !== 'queued' && phase !== 'running') this.shownFinished.add(job.id);
    }
    return listed;
  }

  /** As they arrive, as every server counts: a request refused with 429 was still sent. */
  protected override countRequest(request: RecordedRequest): void {
    super.countRequest(request);
    if (request.method !== 'GET') return;
    if (LIST_PATH.test(request.path)) this.lists++;
    // a GET /jobs/{id}, the job the base class counts it for
    const id = this.statusJobOf(request);
    if (id === undefined) return;
    this.jobRequests++;
    if (this.shownFinished.has(id)) this.resultFetches++;
  }

  get statusRequests(): number {
    return this.lists + this.jobRequests - this.resultFetches;
  }
}
