// A CPU profile of the extension host from inside it (node:inspector), for finding where time goes:
// `IMAGE_JOBS_BENCH_PROFILE=1 npm run bench:vscode` writes .cpuprofile files the runner summarises
// (and that Chrome's or VS Code's profiler opens). Off by default: profiling itself costs CPU.
import * as fs from 'node:fs';
import { Session } from 'node:inspector';

export class CpuProfiler {
  private readonly session = new Session();

  constructor() {
    this.session.connect();
  }

  private post<T>(method: string, params?: object): Promise<T> {
    return new Promise((resolve, reject) =>
      this.session.post(method, params, (error, result) => (error ? reject(error) : resolve(result as T))),
    );
  }

  async start(): Promise<void> {
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.post('Profiler.start');
  }

  async stop(file: string): Promise<void> {
    const { profile } = await this.post<{ profile: unknown }>('Profiler.stop');
    fs.writeFileSync(file, JSON.stringify(profile));
  }

  dispose(): void {
    this.session.disconnect();
  }
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: number[];
}

interface Profile {
  readonly nodes: ProfileNode[];
  readonly samples: number[];
  readonly timeDeltas: number[];
}

export interface ProfileRow {
  readonly ms: number;
  readonly where: string;
}

/** Samples of waiting, and of the profiler's own calls: not the extension host's work. */
const WAITING = /^\((idle|program)\) /;
const PROFILER = /^post node:inspector|profiler\.js:/;

/**
 * Where the busy time went: by function (name, file:line), the time spent in it alone ("self") and
 * with what it called ("total"), largest first.
 */
export function profileSummary(file: string, count = 20): { busyMs: number; seconds: number; self: ProfileRow[]; total: ProfileRow[] } {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const name = (node: ProfileNode) =>
    `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.split('/').slice(-2).join('/')}:${node.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  let busy = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    all += delta;
    const frames: string[] = [];
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) frames.push(name(byId.get(node)!));
    if (WAITING.test(frames[0]!) || frames.some((frame) => PROFILER.test(frame))) return;
    busy += delta;
    self.set(frames[0]!, (self.get(frames[0]!) ?? 0) + delta);
    for (const frame of new Set(frames)) total.set(frame, (total.get(frame) ?? 0) + delta);
  });
  const top = (times: Map<string, number>) =>
    [...times]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([where, us]) => ({ ms: us / 1000, where }));
  return { busyMs: busy / 1000, seconds: all / 1e6, self: top(self), total: top(total) };
}
