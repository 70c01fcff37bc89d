// The memory bench's instruments, inside the process they measure (run with --expose-gc): what stays
// alive after full GCs, and over a run the heap allocated, V8's GC pauses, event-loop delay and RSS.
// They are on from the start, so their own first-use costs fall before the baseline too.
import { GCProfiler, getHeapCodeStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { constants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { allocatedBetween, gcPauses, type GcSpan, type LiveMemory } from './memoryFigures';

export interface RunFigures {
  /** On V8's heap over the run, garbage included. */
  readonly allocatedBytes: number;
  readonly allocationSource: 'total_allocated_bytes' | 'GC statistics';
  readonly gc: ReturnType<typeof gcPauses>;
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
  readonly rssBaselineMb: number;
  readonly rssPeakMb: number;
}

interface Pause {
  readonly durationMs: number;
  readonly forced: boolean;
}

const MB = 1024 * 1024;

function pauseOf(entry: PerformanceEntry): Pause {
  const flags = (entry as { detail?: { flags?: number } }).detail?.flags ?? 0;
  return { durationMs: entry.duration, forced: (flags & constants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0 };
}

/** Newer Node counts what V8 allocates (nodejs/node#60573); before it, the GCs' before/after sizes tell it (allocatedBetween). */
const allocationCounter = () => (getHeapStatistics() as { total_allocated_bytes?: number }).total_allocated_bytes;

export class MemoryProbe {
  private readonly loopDelay = monitorEventLoopDelay({ resolution: 10 });
  private pauses: Pause[] = [];
  private readonly gcObserver = new PerformanceObserver((list) => this.pauses.push(...list.getEntries().map(pauseOf)));
  private run:
    | { profiler: GCProfiler; usedAtStart: number; countedAtStart?: number; rssBaseline: number; rssPeak: number; sampler: NodeJS.Timeout }
    | undefined;

  /** `snapshotPrefix`: every reading also writes a heap snapshot there (`<prefix>-<label>.heapsnapshot`). */
  constructor(private readonly snapshotPrefix?: string) {
    this.gcObserver.observe({ entryTypes: ['gc'] });
    this.loopDelay.enable();
  }

  /** Heap in use, its code, and external memory after two full GCs; the loop-delay monitor is paused for them (they are the bench's). */
  read(label: string): LiveMemory {
    this.loopDelay.disable();
    const gc = (globalThis as { gc?: () => void }).gc!;
    gc();
    gc();
    this.loopDelay.enable();
    const { heapUsed, external, arrayBuffers } = process.memoryUsage();
    const { code_and_metadata_size: code, bytecode_and_metadata_size: bytecode } = getHeapCodeStatistics();
    if (this.snapshotPrefix) writeHeapSnapshot(`${this.snapshotPrefix}-${label}.heapsnapshot`);
    return { heapUsed, code: code + bytecode, external, arrayBuffers };
  }

  /** From here to stop(), once: allocation, GC pauses, loop delay, RSS; what came before is dropped. */
  start(): void {
    this.gcObserver.takeRecords();
    this.pauses = [];
    this.loopDelay.reset();
    const rss = process.memoryUsage.rss();
    const run = {
      profiler: new GCProfiler(),
      usedAtStart: getHeapStatistics().used_heap_size,
      countedAtStart: allocationCounter(),
      rssBaseline: rss,
      rssPeak: rss,
      sampler: setInterval(() => (run.rssPeak = Math.max(run.rssPeak, process.memoryUsage.rss())), 50),
    };
    run.profiler.start();
    this.run = run;
  }

  stop(): RunFigures {
    const run = this.run!;
    const usedAtEnd = getHeapStatistics().used_heap_size;
    const countedAtEnd = allocationCounter();
    clearInterval(run.sampler);
    const collections: GcSpan[] = run.profiler.stop().statistics.map((entry) => ({
      usedBefore: entry.beforeGC.heapStatistics.usedHeapSize,
      usedAfter: entry.afterGC.heapStatistics.usedHeapSize,
    }));
    const pauses = [...this.pauses, ...this.gcObserver.takeRecords().map(pauseOf)];
    this.gcObserver.disconnect();
    this.pauses = [];
    const counted = run.countedAtStart !== undefined && countedAtEnd !== undefined;
    this.run = undefined;
    return {
      allocatedBytes: counted ? countedAtEnd - run.countedAtStart! : allocatedBetween(run.usedAtStart, usedAtEnd, collections),
      allocationSource: counted ? 'total_allocated_bytes' : 'GC statistics',
      gc: gcPauses(pauses),
      loopDelayP99Ms: this.loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: this.loopDelay.max / 1e6,
      rssBaselineMb: run.rssBaseline / MB,
      rssPeakMb: run.rssPeak / MB,
    };
  }

  dispose(): void {
    this.gcObserver.disconnect();
    this.loopDelay.disable();
  }
}
