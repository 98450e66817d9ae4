// The embedded load driver. Two models:
// - open: requests arrive at a constant rate whatever the system does. Each request has an
//   intended start on that schedule and its latency is measured from it, not from the moment it
//   was actually sent, so a stalled system cannot make the driver wait politely and hide the
//   queue (coordinated omission). In-flight requests are bounded; a request whose start is more
//   than maxLag late is dropped and counted, never silently skipped.
// - closed: N connections, each sending its next request when the last one answers (no think
//   time): the maximum throughput.
// HTTP goes through one undici Pool (keep-alive, pipelining 1). Bounded by duration and count;
// it stops by itself, and only ever targets loopback addresses.
import { Pool } from 'undici';
import { assertLoopback, seededRandom, weightedPicker, type RequestContext, type RequestSpec, type RequestScenario } from '../scenario.js';
import { addError, emptyErrors, mergeErrors, type Errors, type Latency } from '../result.js';
import { encodeHistogram, newHistogram, recordMs, summarize, type Histogram } from './histogram.js';
import { errorKind, statusKind } from './classify.js';
import { round, selfUsage } from '../proc.js';
import { interleavedOffset } from './interleave.js';

export type DriverOptions = {
  baseUrl: string;
  model: 'open' | 'closed';
  /** open: requests per second */
  rate?: number;
  /** closed: connections; open: the bound on requests in flight (default max(16, rate/10), ≤ 1024) */
  connections?: number;
  /** seconds measured */
  duration: number;
  /** seconds of load before measuring (sent, not recorded) */
  warmup?: number;
  /**
   * Open the measured window at this wall-clock time (ms since the epoch), whatever is left
   * of it being the warm-up (none if it has passed): to measure beside another driver that
   * started earlier. Replaces `warmup`.
   */
  measureAt?: number;
  /**
   * The position in the mix's order (its weighted round-robin cycle) of the first measured
   * request: the order is advanced to it when the measured window opens, so this driver measures
   * the same sequence of operations as another one whose measured part starts there (k6's, after
   * its warm-up iterations). Whole-number weights only (one cycle is their sum).
   */
  alignOrder?: number;
  /**
   * With alignOrder, beside another driver whose schedule this one's is interleaved with: send the
   * same measured positions in the order interleavedOffset gives (not each right after the other
   * driver's request of the same operation; see interleave.ts).
   */
  interleaved?: boolean;
  /** stop after this many requests (warm-up included) */
  maxRequests?: number;
  /** per request (default 5000 ms) */
  timeoutMs?: number;
  /** closed: ms each connection waits after an answer before its next request (a user's think time) */
  thinkTimeMs?: number;
  /** open: drop a request whose start is this late (default: timeoutMs) */
  maxLagMs?: number;
  seed?: number;
  /**
   * open: cover the last millisecond before each scheduled start on the event loop instead of a
   * timer (default true). Costs some driver CPU; worth it when the driver has its own core.
   */
  precise?: boolean;
  /** called about once a second */
  onProgress?: (p: Progress) => void;
  /**
   * Called as each request ends (warm-up included): its operation, latency from the intended
   * start (null when nothing answered), error kind (null: a 2xx/3xx answer) and HTTP status (null
   * when nothing answered). For callers that cut the run into windows of their own (a migration
   * rehearsal watching each canary step, telling a 401 from a 404 at each cutover). `tag`: the
   * answer's `tagHeader` value (null when absent or not asked for).
   */
  onResult?: (op: string, ms: number | null, error: string | null, status: number | null, tag: string | null) => void;
  /**
   * A response header passed to onResult as `tag`, e.g. the gateway's x-archsim-upstream: which
   * unit answered, so a canary's latencies are told from the old route's in the same window.
   */
  tagHeader?: string;
  /**
   * Headers added to every request, read as each is sent (a token that is renewed stays
   * current), e.g. the gateway's x-archsim-tap with the control identity's token, which is what
   * makes the gateway name the answering unit (tagHeader). The scenario's own headers win.
   */
  extraHeaders?: () => Record<string, string>;
  /** open model: stop scheduling new requests once this returns true (those in flight finish) */
  until?: () => boolean;
  /**
   * Open model: the rate from now on, read as each request is scheduled (`rate` is the first). A
   * change re-anchors the schedule at the next request's intended start under the old rate, so
   * requests already due stay due, and the run ends at its duration's end, not after a count.
   * For a caller that lowers its load between windows (a rehearsal fitting each phase's capacity).
   */
  rateNow?: () => number;
  /** called when the measured window opens (after warm-up) and when the last request is answered: sample /proc then */
  onPhase?: (phase: 'measure' | 'end') => void;
  /**
   * The scenario's data, seeded once beforehand for several windows: the scenario's own setup is
   * then skipped (it seeds through the public API, seconds of work a window should not repeat).
   */
  data?: unknown;
  /**
   * Each operation's request number to start from (the report's `counters` of the window before):
   * single-use items seeded once for several windows are each used once.
   */
  counters?: Record<string, number>;
};

export type Progress = {
  elapsed: number;
  total: number;
  sent: number;
  completed: number;
  errors: number;
  dropped: number;
  /** completions in the last second */
  rate: number;
  /** ms, measured requests so far */
  p95: number | null;
};

export type DriverOperation = {
  id: string;
  requests: number;
  throughput: number;
  errors: Errors;
  latency: Latency | null;
  serviceTime?: Latency | null;
};

export type DriverReport = {
  model: 'open' | 'closed';
  rate: number | null;
  connections: number;
  started: string;
  duration: number;
  warmup: number;
  operations: DriverOperation[];
  totals: { requests: number; throughput: number; errors: Errors; latency: Latency | null; dropped: number };
  driver: { pid: number; cpuSeconds: number; cpuUtilization: number; rssMaxMiB: number; lag?: { p50: number; p99: number; max: number; waitedForConnection: number } };
  notes: string[];
  /** each operation's next request number (pass it as `counters` to continue in another window) */
  counters: Record<string, number>;
  /** the measured requests' latencies (encodeHistogram), per operation and in all, for pooling windows (replicate.ts) */
  histograms: WindowHistograms;
};

/** A window's latency histograms, encoded: per operation id, and over all its requests. */
export type WindowHistograms = { operations: Record<string, { latency: string; service?: string }>; total: string };

type OpState = { id: string; n: number; requests: number; errors: Errors; latency: Histogram; service: Histogram };

/**
 * One request through undici's dispatch API: the status, with the body read and discarded. About
 * a quarter less CPU per request than pool.request(), which builds a body stream per response.
 * The timeout is ours: undici's own timers are coarse (sub-second timeouts fire late).
 */
/**
 * Why the driver started requests late. Requests due while every connection was busy waited for
 * the system (a backlog: the run's connections all held by slow answers); otherwise the driver
 * itself was short of CPU. Either way the wait is inside the latencies (they count from the
 * schedule). Pure.
 */
export function lateNote(p99: number, waitedForConnection: number, requests: number, connections: number): string {
  const share = requests > 0 ? waitedForConnection / requests : 0;
  if (share >= 0.01)
    return `the driver started requests late (p99 ${p99} ms after their scheduled time): ${waitedForConnection} of ${requests} measured requests (${Math.round(share * 1000) / 10}%) were due while all ${connections} connections waited on answers, so the system was holding a backlog; that wait is inside the latencies`;
  return `the driver started requests late (p99 ${p99} ms after their scheduled time) with connections free: it was short of CPU, and that lag is inside the latencies`;
}

function exchange(pool: Pool, spec: RequestSpec, timeoutMs: number, tag?: { header: string; value: string | null }): Promise<number> {
  return new Promise((resolve, reject) => {
    let status = 0;
    let controller: { abort(reason: Error): void } | undefined;
    let settled = false;
    const timer = setTimeout(() => {
      const e = Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ARCHSIM_TIMEOUT' });
      if (controller) controller.abort(e);
      else settle(e);
    }, timeoutMs);
    const settle = (e: Error | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (e) reject(e);
      else resolve(status);
    };
    pool.dispatch(
      { method: spec.method as 'GET', path: spec.path, headers: spec.headers, body: spec.body },
      {
        onRequestStart(c) {
          controller = c;
          // Timed out while still queued in the pool: do not send it late.
          if (settled) c.abort(Object.assign(new Error('timed out before it was sent'), { code: 'ARCHSIM_TIMEOUT' }));
        },
        onResponseStart(_c, code, headers) {
          status = code;
          if (tag) {
            const v = headers[tag.header];
            tag.value = typeof v === 'string' ? v : null;
          }
        },
        onResponseData() {},
        onResponseEnd() {
          settle(null);
        },
        onResponseError(_c, e) {
          settle(e);
        },
      },
    );
  });
}

export async function runDriver(scenario: RequestScenario, o: DriverOptions): Promise<DriverReport> {
  const base = assertLoopback(o.baseUrl);
  if (!(o.duration > 0)) throw new Error('duration must be positive');
  if (o.model === 'open' && !(o.rate && o.rate > 0)) throw new Error('the open model needs a rate');
  // Beside another driver the warm-up is what is left until measureAt, in whole intervals of the
  // open model's schedule (so the window holds exactly rate × duration requests).
  const wallAtStart = Date.now();
  const perfAtStart = performance.now();
  const left = o.measureAt !== undefined ? Math.max(0, o.measureAt - wallAtStart) / 1000 : null;
  const warmup = left === null ? (o.warmup ?? 0) : o.model === 'open' && o.rate ? Math.ceil(left * o.rate - 1e-9) / o.rate : Math.round(left * 1000) / 1000;
  const timeoutMs = o.timeoutMs ?? 5000;
  const maxLagMs = o.maxLagMs ?? timeoutMs;
  const precise = o.precise ?? true;
  const connections =
    o.connections ?? (o.model === 'open' ? Math.min(1024, Math.max(16, Math.ceil((o.rate ?? 0) / 10))) : 1);
  const data = o.data !== undefined ? o.data : scenario.setup ? await scenario.setup(base.origin) : undefined;
  const pool = new Pool(base.origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs },
  });
  const random = seededRandom(o.seed ?? 1);
  const weights = scenario.operations.map((x) => x.weight);
  const nextInOrder = weightedPicker(weights);
  const cycle = weights.every((w) => Number.isInteger(w)) ? weights.reduce((a, b) => a + b, 0) : 0;
  // One cycle of the order (the weighted round robin repeats after the weights' sum), read by
  // position once the measured window opens.
  const order = (() => {
    const picker = weightedPicker(weights);
    return Array.from({ length: cycle }, () => picker());
  })();
  const align = o.alignOrder !== undefined && cycle > 0;
  // The measured positions both drivers share (the window holds exactly rate × duration).
  const shared = o.model === 'open' && o.rate ? Math.floor(o.duration * o.rate + 1e-6) : 0;
  let measuredPicks = 0;
  /** The operation of the request scheduled at `intended`: from alignOrder on (interleaved: rotated) once measured. */
  const pick = (intended: number) => {
    if (!align || intended < measureFrom) return nextInOrder();
    const m = measuredPicks++;
    const offset = o.interleaved ? interleavedOffset(m, shared, cycle) : m;
    return order[(o.alignOrder! + offset) % cycle]!;
  };
  const ops: OpState[] = scenario.operations.map((x) => ({ id: x.id, n: o.counters?.[x.id] ?? 0, requests: 0, errors: emptyErrors(), latency: newHistogram(), service: newHistogram() }));
  const total = newHistogram();
  // Open model: how late the driver itself started requests (send − intended start). Large
  // values mean the driver, not the system, fell behind.
  const lag = newHistogram();
  // Measured requests whose scheduled time came while every connection was busy: their lateness
  // is the system's backlog (the run's connections all waiting on answers), not the driver's CPU.
  let waitedForConnection = 0;
  // The last instant the pump found a request due and every connection busy: any request
  // scheduled at or before it waited for a connection.
  let fullAt = Number.NEGATIVE_INFINITY;
  const cpu0 = process.cpuUsage();
  // The schedule's origin. Beside another driver (open model) it is put up to one interval in the
  // past so that the measured window opens exactly at measureAt: the schedule's instants are then
  // measureAt ± whole intervals, in a known phase with the other driver's (interleaved, not at
  // whatever instant this process happened to start).
  const t0 = left !== null && o.model === 'open' && o.rate ? perfAtStart + left * 1000 - warmup * 1000 : performance.now();
  const started = new Date(wallAtStart + (t0 - perfAtStart)).toISOString();
  // A microsecond early: the request scheduled at the boundary is measured whatever the rounding.
  const measureFrom = t0 + warmup * 1000 - 1e-3;
  const endAt = measureFrom + o.duration * 1000;
  const maxRequests = o.maxRequests ?? Number.POSITIVE_INFINITY;
  let seq = 0;
  let inFlight = 0;
  let completed = 0;
  let errorsSoFar = 0;
  let dropped = 0;
  let lastCompleted = 0;
  let buildError: string | undefined;
  const notes: string[] = [];

  /** Send request number `seq`; latency counts from `intended` (the schedule) and from the send. */
  const send = (intended: number): Promise<void> => {
    const i = pick(intended);
    const op = scenario.operations[i]!;
    const st = ops[i]!;
    const ctx: RequestContext = { seq, opSeq: st.n++, random, data, baseUrl: base.origin };
    seq++;
    inFlight++;
    const measured = intended >= measureFrom;
    let spec: RequestSpec;
    try {
      spec = op.build(ctx);
    } catch (e) {
      // A scenario bug: count it (kind "other") and say so, rather than stall or crash the run.
      inFlight--;
      completed++;
      errorsSoFar++;
      if (measured) {
        st.requests++;
        addError(st.errors, 'other');
      }
      buildError ??= `${op.id}: build() threw: ${e instanceof Error ? e.message : String(e)}`;
      return Promise.resolve();
    }
    const sentAt = performance.now();
    let kind: string | null = null;
    let answered = false;
    let code: number | null = null;
    const tag = o.tagHeader ? { header: o.tagHeader.toLowerCase(), value: null as string | null } : undefined;
    return exchange(pool, o.extraHeaders ? { ...spec, headers: { ...o.extraHeaders(), ...spec.headers } } : spec, timeoutMs, tag)
      .then((status) => {
        answered = true;
        code = status;
        kind = statusKind(status);
      })
      .catch((e: unknown) => {
        kind = errorKind(e);
      })
      .finally(() => {
        const end = performance.now();
        inFlight--;
        completed++;
        if (kind) errorsSoFar++;
        o.onResult?.(op.id, answered ? end - intended : null, kind, code, tag?.value ?? null);
        if (!measured) return;
        st.requests++;
        if (kind) addError(st.errors, kind);
        // Failures without an answer (refused, reset, timed out) have no latency to record.
        if (o.model === 'open') {
          recordMs(lag, sentAt - intended);
          if (intended <= fullAt) waitedForConnection++;
        }
        if (answered) {
          recordMs(st.latency, end - intended);
          recordMs(total, end - intended);
          if (o.model === 'open') recordMs(st.service, end - sentAt);
        }
      });
  };

  const ticker = setInterval(() => {
    if (!o.onProgress) return;
    const now = performance.now();
    o.onProgress({
      elapsed: round((now - t0) / 1000, 1),
      total: warmup + o.duration,
      sent: seq,
      completed,
      errors: errorsSoFar,
      dropped,
      rate: completed - lastCompleted,
      p95: total.totalCount ? total.getValueAtPercentile(95) / 1000 : null,
    });
    lastCompleted = completed;
  }, 1000);

  // The measured window for process CPU opens after the warm-up and closes when the last
  // measured request has been answered (a backlogged system is still working after the schedule).
  const phases = [setTimeout(() => o.onPhase?.('measure'), Math.max(0, measureFrom - performance.now()))];

  // A hard stop: whatever happens, the run ends a timeout after its last scheduled request.
  const hardStop = endAt + timeoutMs + 1000;

  try {
    if (o.model === 'open') await openLoop();
    else await closedLoop();
    o.onPhase?.('end');
  } finally {
    clearInterval(ticker);
    for (const t of phases) clearTimeout(t);
    await pool.destroy().catch(() => undefined);
  }

  async function openLoop(): Promise<void> {
    let interval = 1000 / o.rate!;
    // A variable rate: request n is due at anchorT + (n − anchorN) × interval; the run ends by time.
    let anchorT = t0;
    let anchorN = 0;
    let current = o.rate!;
    const variable = o.rateNow !== undefined;
    let count = variable ? maxRequests : Math.min(maxRequests, Math.floor((warmup + o.duration) * o.rate! + 1e-6));
    const due = (n: number) => anchorT + (n - anchorN) * interval;
    const follow = () => {
      const r = o.rateNow!();
      if (!(r > 0) || r === current) return;
      anchorT = due(next);
      anchorN = next;
      current = r;
      interval = 1000 / r;
    };
    let next = 0;
    await new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let immediate: NodeJS.Immediate | undefined;
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        if (timer) clearTimeout(timer);
        if (immediate) clearImmediate(immediate);
        clearTimeout(guard);
        resolve();
      };
      const guard = setTimeout(() => {
        notes.push(`hard stop: ${inFlight} requests still in flight ${timeoutMs + 1000} ms after the last scheduled start were abandoned`);
        finish();
      }, hardStop - performance.now());
      const pump = () => {
        if (done) return;
        const now = performance.now();
        let blocked = false;
        if (o.until?.()) count = next;
        if (variable) follow();
        while (next < count) {
          const intended = due(next);
          if (variable && intended >= endAt) {
            count = next;
            break;
          }
          if (intended > now) break;
          if (now - intended > maxLagMs) {
            // Too late to start: count it as dropped (an error of its own kind), do not send it.
            if (intended >= measureFrom) {
              dropped++;
              const i = pick(intended);
              addError(ops[i]!.errors, 'dropped');
              ops[i]!.n++;
            }
            next++;
            continue;
          }
          if (inFlight >= connections) {
            blocked = true;
            fullAt = now;
            break;
          }
          next++;
          void send(intended).then(pump);
        }
        if (next >= count) {
          if (inFlight === 0) finish();
          return;
        }
        if (timer) clearTimeout(timer);
        if (immediate) clearImmediate(immediate);
        timer = undefined;
        immediate = undefined;
        // If every slot is busy a completion calls pump; the timer then only covers drops by lag.
        const at = due(next) + (blocked ? maxLagMs + 1 : 0);
        const wait = at - performance.now();
        // Timers fire a millisecond or more late (and round sub-millisecond delays up to 1 ms):
        // wake a little early and cover the last stretch on the event loop, so the driver's own
        // lateness does not count as the system's latency.
        if (!precise) timer = setTimeout(pump, Math.max(0, wait));
        else if (wait > 1.5) timer = setTimeout(pump, Math.floor(wait - 1));
        else immediate = setImmediate(pump);
      };
      pump();
    });
  }

  async function closedLoop(): Promise<void> {
    const worker = async () => {
      while (seq < maxRequests) {
        const now = performance.now();
        if (now >= endAt) return;
        await send(now);
        if (o.thinkTimeMs) await new Promise((r) => setTimeout(r, o.thinkTimeMs));
      }
    };
    let guard: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(Array.from({ length: connections }, worker)),
      new Promise<void>((resolve) => {
        guard = setTimeout(() => {
          notes.push('hard stop: requests still in flight were abandoned');
          resolve();
        }, hardStop - performance.now());
      }),
    ]);
    clearTimeout(guard);
  }

  const wall = (performance.now() - t0) / 1000;
  const operations: DriverOperation[] = ops.map((s) => {
    const requests = s.requests;
    return {
      id: s.id,
      requests,
      throughput: round(requests / o.duration, 2),
      errors: s.errors,
      latency: summarize(s.latency),
      ...(o.model === 'open' ? { serviceTime: summarize(s.service) } : {}),
    };
  });
  const requests = operations.reduce((a, x) => a + x.requests, 0);
  if (buildError) notes.push(`the scenario failed to build requests (counted as errors of kind "other"): ${buildError}`);
  const lagSummary = o.model === 'open' ? summarize(lag) : null;
  if (lagSummary && lagSummary.p99 > 10) notes.push(lateNote(lagSummary.p99, waitedForConnection, requests, connections));
  if (dropped > 0) notes.push(`${dropped} requests were dropped: the system fell more than ${maxLagMs} ms behind the schedule; latency percentiles understate the queueing`);
  return {
    model: o.model,
    rate: o.model === 'open' ? o.rate! : null,
    connections,
    started,
    duration: o.duration,
    warmup,
    operations,
    totals: { requests, throughput: round(requests / o.duration, 2), errors: mergeErrors(operations.map((x) => x.errors)), latency: summarize(total), dropped },
    driver: { ...selfUsage(cpu0, wall), ...(lagSummary ? { lag: { p50: lagSummary.p50, p99: lagSummary.p99, max: lagSummary.max, waitedForConnection } } : {}) },
    notes,
    counters: Object.fromEntries(ops.map((s) => [s.id, s.n])),
    histograms: {
      operations: Object.fromEntries(ops.map((s) => [s.id, { latency: encodeHistogram(s.latency), ...(o.model === 'open' ? { service: encodeHistogram(s.service) } : {}) }])),
      total: encodeHistogram(total),
    },
  };
}
