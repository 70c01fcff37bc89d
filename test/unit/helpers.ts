// Shared pieces for core unit tests: a real file-system asset sink, in-memory persistence, waiting.
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { mkdtempSync, mkdirSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { ProviderError } from '../../src/core/errors';
import type { AssetSink, JobLogger } from '../../src/core/jobs/jobManager';
import type { JobRecord } from '../../src/core/jobModel';
import type { JobPersistence, StoredChange } from '../../src/core/jobs/jobStore';
import type { PollPolicyOptions } from '../../src/core/jobs/pollPolicy';

/** Every setting package.json declares, across its configuration sections (General, Output, one per provider…). */
export function declaredSettings(): Record<string, { default?: unknown; enum?: unknown[]; markdownDescription?: string }> {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
  const sections: { properties: Record<string, object> }[] = [manifest.contributes.configuration].flat();
  return Object.assign({}, ...sections.map((section) => section.properties));
}

/** A setting's default as package.json declares it: the one place defaults live. */
export function settingDefault(key: string): unknown {
  return declaredSettings()[`imageJobs.${key}`]?.default;
}

/** Every folder tempDir made, removed when the test file's process ends, pass or fail. */
const madeDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of madeDirs) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'image-jobs-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  madeDirs.add(dir);
  return dir;
}

export function rootUri(dir: string): string {
  return pathToFileURL(dir).toString();
}

export const fileSink: AssetSink = {
  async exists(root, relativePath) {
    return existsSync(join(fileURLToPath(root), relativePath));
  },
  async write(root, relativePath, bytes) {
    const target = join(fileURLToPath(root), relativePath);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
  },
  async remove(root, relativePath) {
    rmSync(join(fileURLToPath(root), relativePath), { force: true });
  },
};

/**
 * Persistence in memory, shared between two JobStores as the journal is across a window reload:
 * `saved` is what a reload would find, `saves` counts the writes.
 */
export function memoryPersistence(initial: JobRecord[] = []): JobPersistence & { saved: JobRecord[]; saves: number } {
  const stored = new Map(initial.map((job) => [job.id, job]));
  const apply = (changes: readonly StoredChange[]) => {
    for (const change of JSON.parse(JSON.stringify(changes)) as StoredChange[]) {
      if ('job' in change) stored.set(change.job.id, change.job);
      else stored.delete(change.removed);
    }
  };
  const state = {
    get saved(): JobRecord[] {
      return [...stored.values()];
    },
    saves: 0,
    load: () => JSON.parse(JSON.stringify([...stored.values()])) as JobRecord[],
    write: async (changes: readonly StoredChange[]) => {
      apply(changes);
      state.saves++;
    },
    writeNow: (changes: readonly StoredChange[]) => {
      apply(changes);
      state.saves++;
    },
  };
  return state;
}

export function collectingLogger(): JobLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Awaits a promise that must reject with a ProviderError, and returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw new Error(`expected a ProviderError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** A poll policy for tests: short intervals, no jitter. */
export const fastPolls = (): PollPolicyOptions => ({
  minIntervalMs: 20,
  maxIntervalMs: 80,
  ageFraction: 0.1,
  pastTypicalFraction: 0.1,
  scoutMinIntervalMs: 20,
  jitter: 0,
  unfocusedMultiplier: 3,
  queuedMultiplier: 1,
});

/**
 * Cleanups run after the file's tests, which then also fail if any promise was rejected with nobody
 * handling it: every bad answer must end in a job state instead.
 */
export function cleanupsFailingOnUnhandledRejections(): (() => unknown)[] {
  const cleanups: (() => unknown)[] = [];
  const unhandled: unknown[] = [];
  process.on('unhandledRejection', (reason) => unhandled.push(reason));
  after(async () => {
    for (const cleanup of cleanups) await cleanup();
    assert.deepEqual(unhandled.map(String), [], 'unhandled rejections');
  });
  return cleanups;
}

export { jobRecord } from '../fixtures/sampleJobs';
