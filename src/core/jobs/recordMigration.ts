// Job records as earlier versions wrote them, read in today's shape: the journal outlives the version
// that wrote it, and a job mid-submit when the window closed must resume as it was left.
import { WAITING_ITS_TURN, type JobRecord, type SendWait } from '../jobModel';

/** Fields of earlier versions, now one: `sendWait` (a wait with an end) and `unsent` (one for its turn). */
interface EarlierFields {
  readonly sendWait?: SendWait;
  readonly unsent?: true;
}

/** The record in today's shape; itself when it has nothing of an earlier version. */
export function migratedRecord(stored: JobRecord & EarlierFields): JobRecord {
  if (!('sendWait' in stored) && !('unsent' in stored)) return stored;
  const { sendWait, unsent, ...job } = stored;
  // both said "not sent yet"; where both were set, the end is kept: the provider asked for it
  const waitingToSend = job.waitingToSend ?? sendWait ?? (unsent ? WAITING_ITS_TURN : undefined);
  return waitingToSend ? { ...job, waitingToSend } : job;
}
