// The peers as their users run them: the real @fal-ai/client (queue polling, and its status stream)
// and the real `replicate` client (run() holding one request with Prefer: wait, and run() in poll
// mode, which is wait()). Their own constants (500 ms polls, retry back-offs) run on the bench's clock:
// the process's setTimeout is scaled by the bench's time scale. Around each call, only what an app
// must add: on an error the client gives up with, try again (after one poll interval).
import { createFalClient } from '@fal-ai/client';
import Replicate from 'replicate';
import { FAL_APP } from './falServer';
import { REPLICATE_MODEL } from './replicateServer';

export type PeerSchedule = 'fal-poll' | 'fal-stream' | 'replicate-run' | 'replicate-poll';

export interface PeerRun {
  readonly schedule: PeerSchedule;
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly jobs: number;
  readonly detected: (remoteId: string) => void;
}

/** Both clients' default poll interval, real milliseconds (on the scaled clock). */
const CLIENT_INTERVAL_MS = 500;

/** From here on, every timer this process sets runs `scale` times as long: the clients' own clock. */
export function scaleTimers(scale: number): void {
  const original = globalThis.setTimeout;
  const scaled = (handler: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => original(handler, (ms ?? 0) * scale, ...args);
  globalThis.setTimeout = Object.assign(scaled, original) as typeof setTimeout;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function download(url: string): Promise<void> {
  const response = await fetch(url);
  await response.arrayBuffer();
}

async function untilItWorks<T>(call: () => Promise<T>, errors: { count: number }): Promise<T> {
  for (;;) {
    try {
      return await call();
    } catch {
      errors.count++;
      await pause(CLIENT_INTERVAL_MS);
    }
  }
}

async function runFal(run: PeerRun, errors: { count: number }): Promise<void> {
  const fal = createFalClient({
    credentials: run.apiKey,
    requestMiddleware: async (request) => ({ ...request, url: request.url.replace('https://queue.fal.run', run.baseUrl) }),
  });
  const mode = run.schedule === 'fal-stream' ? 'streaming' : 'polling';
  await Promise.all(
    Array.from({ length: run.jobs }, async (_, index) => {
      // what fal.subscribe() does, call by call, so a failed wait can resume on the same request
      const { request_id: requestId } = await untilItWorks(
        () => fal.queue.submit(FAL_APP, { input: { prompt: `bench ${index}` } }),
        errors,
      );
      let seen = false;
      const onQueueUpdate = (status: { status: string }) => {
        if (status.status === 'COMPLETED' && !seen) {
          seen = true;
          run.detected(requestId);
        }
      };
      await untilItWorks(() => fal.queue.subscribeToStatus(FAL_APP, { requestId, mode, onQueueUpdate } as never), errors);
      onQueueUpdate({ status: 'COMPLETED' });
      const result = await untilItWorks(() => fal.queue.result(FAL_APP, { requestId }), errors);
      await download((result.data as { images: { url: string }[] }).images[0]!.url).catch(() => errors.count++);
    }),
  );
}

interface Prediction {
  readonly id: string;
  readonly status: string;
  readonly output: string[] | null;
}

async function runReplicate(run: PeerRun, errors: { count: number }): Promise<void> {
  const replicate = new Replicate({ auth: run.apiKey, baseUrl: `${run.baseUrl}/v1` });
  const wait = run.schedule === 'replicate-run' ? { mode: 'block' as const } : { mode: 'poll' as const };
  await Promise.all(
    Array.from({ length: run.jobs }, async (_, index) => {
      let latest: Prediction | undefined;
      const progress = (prediction: Prediction) => {
        if (prediction.status === 'succeeded' && latest?.status !== 'succeeded') run.detected(prediction.id);
        latest = prediction;
      };
      // run() creates the prediction and waits: holding the request, or polling every 500 ms
      await untilItWorks(async () => {
        if (!latest) await replicate.run(REPLICATE_MODEL, { input: { prompt: `bench ${index}` }, wait }, progress as never);
        // a held request that ran out before the job ended comes back unfinished: wait() polls on
        if (latest!.status !== 'succeeded')
          progress((await replicate.wait(latest as never, {}, async (update) => (progress(update as never), false))) as never);
      }, errors);
      await download(latest!.output![0]!).catch(() => errors.count++);
    }),
  );
}

/** Submits and follows every job with the peer's client; the number of errors it recovered from. */
export async function runPeer(run: PeerRun): Promise<number> {
  const errors = { count: 0 };
  if (run.schedule.startsWith('fal')) await runFal(run, errors);
  else await runReplicate(run, errors);
  return errors.count;
}
