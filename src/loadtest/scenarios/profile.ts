// A load profile as the embedded driver's scenario: setup() runs the profile's setup steps with
// fetch (a step's requests several at a time), and each operation builds its requests with the
// same interpreter the generated k6 script carries (../profile/runtime.ts).
import { lpBytes, lpHttp, lpIterations, lpRender, lpRequest, lpSave, lpSetup } from '../profile/runtime.js';
import type { RequestSpec, RequestScenario } from '../scenario.js';
import type { ScenarioPlan } from '../profile/plan.js';

type Wire = { method: string; path: string; headers: Record<string, string>; body?: string; bytes?: number };

function spec(r: Wire): RequestSpec {
  return { method: r.method, path: r.path, headers: r.headers, ...(r.bytes !== undefined ? { body: lpBytes(r.bytes) } : r.body !== undefined ? { body: r.body } : {}) };
}

/** Run `f` over `items` with at most `n` in flight, results in order. */
async function inOrder<T, R>(items: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!);
      }
    }),
  );
  return out;
}

const SETUP_REQUEST_TIMEOUT_MS = 120_000;

/** Drive the profile's setup against `base`; the data the requests are built from. */
export async function runSetup(plan: Pick<ScenarioPlan, 'profile' | 'expected'>, base: string, run = Date.now().toString(36)): Promise<unknown> {
  const g = lpSetup(plan.profile, plan.expected, run);
  let step = g.next();
  while (!step.done) {
    const v = step.value as { sleep?: number; requests?: Wire[] };
    if (v.sleep !== undefined) {
      await new Promise((r) => setTimeout(r, v.sleep));
      step = g.next();
      continue;
    }
    step = g.next(await sendAll(v.requests!, base));
  }
  return step.value;
}

/** Tries of one setup request that failed before any answer (a connection reset or closed). */
export const SETUP_TRANSPORT_TRIES = 3;

/**
 * A batch of setup requests, `inFlight` at a time (eight: the seeding has the machine to itself),
 * responses in order (a failure is status 0). A request that got no answer because its connection
 * failed is sent again, up to SETUP_TRANSPORT_TRIES in all: a kept-alive connection the server
 * closed as the request went out ("other side closed") failed a top-up login in CI and the whole
 * validate-model run with it. Not a timeout (two minutes already) and not an answer, whatever
 * its status: those are the system's.
 */
export function sendAll(requests: Wire[], base: string, inFlight = 8): Promise<{ status: number; body: string; error?: string }[]> {
  return inOrder(requests, inFlight, async (r) => {
    const s = spec(r);
    let error = '';
    for (let attempt = 1; attempt <= SETUP_TRANSPORT_TRIES; attempt++) {
      try {
        // Set-up is not measured: a slow server (a password hash per user, in a container short
        // of CPU on a busy machine: over 30 s at load 54 on two cores) gets two minutes a request.
        const res = await fetch(base + s.path, { method: s.method, headers: s.headers, body: s.body as never, signal: AbortSignal.timeout(SETUP_REQUEST_TIMEOUT_MS) });
        return { status: res.status, body: await res.text() };
      } catch (e) {
        const cause = (e as { cause?: { message?: string; code?: string } }).cause;
        error = `${(e as Error).message}${cause?.message || cause?.code ? ` (${cause.message || cause.code})` : ''}`;
        if ((e as Error).name === 'TimeoutError' || attempt === SETUP_TRANSPORT_TRIES) break;
        await new Promise((ok) => setTimeout(ok, 100 * attempt));
      }
    }
    return { status: 0, error, body: '' };
  });
}

type CountStep = { name?: string; for?: { count?: unknown }; request: { method: string; path: string; token?: string; headers?: unknown }; save?: unknown; optional?: boolean; retry?: { attempts: number; interval: number } };
type SetupData = { run: string; vars: unknown; users: unknown[]; pool: unknown };

/**
 * More of the setup's pools for a longer run than the setup was sized for: each `for: count`
 * step (single-use things: refresh tokens, messages to acknowledge) run for the iterations from
 * the count `had` gave it up to the count `want` gives, with the same users and templates, the
 * items appended to the same pools (a request numbered past the first size takes a fresh one).
 * Lets a run seed what a short first window needs and top up once it knows how long the rest
 * runs: each refresh token is a login (a password hash), and sizing them all for an unknown rate
 * was most of a rehearsal's seeding. Returns the items added per step.
 */
export async function topUpPools(profile: { setup?: unknown[] }, data: unknown, had: Record<string, number>, want: Record<string, number>, base: string, o: { inFlight?: number } = {}): Promise<{ step: string; added: number }[]> {
  const d = data as SetupData;
  const out: { step: string; added: number }[] = [];
  for (const raw of profile.setup ?? []) {
    const step = raw as CountStep;
    if (step.for?.count === undefined) continue;
    const label = step.name ?? `${step.request.method} ${step.request.path}`;
    const from = lpIterations(step, d, had).length;
    let pending = lpIterations(step, d, want)
      .slice(from)
      .map((it) => ({ scope: { run: d.run, vars: d.vars, users: d.users, pool: d.pool, i: it.i, r: it.r, user: it.user, peer: it.peer, opSeq: it.i, random: Math.random }, tries: 0 }));
    let added = 0;
    while (pending.length) {
      const q = step.request;
      const requests = pending.map((p) => lpHttp(q.method, lpRender(q.path, p.scope) as string, q.token ? (lpRender(q.token, p.scope) as string) : null, q.headers, q, p.scope));
      const responses = await sendAll(requests, base, o.inFlight);
      const again: typeof pending = [];
      for (const [j, p] of pending.entries()) {
        const res = responses[j]!;
        if (res.status >= 200 && res.status < 300) {
          lpSave(step.save, p.scope, res.body);
          added++;
        } else if (step.retry && p.tries + 1 < step.retry.attempts) {
          p.tries++;
          again.push(p);
        } else if (!step.optional) throw new Error(`setup step "${label}" (top-up): ${requests[j]!.method} ${requests[j]!.path} answered ${res.status || res.error || 'nothing'} ${res.body.slice(0, 200)}`);
      }
      if (again.length) await new Promise((r) => setTimeout(r, step.retry!.interval));
      pending = again;
    }
    if (added) out.push({ step: label, added });
  }
  return out;
}

/** The operations whose expected count sizes a setup step's pool (`for: { count: { expected: OP } }`): the single-use pools topUpPools can grow. */
export function countedOps(profile: { setup?: unknown[] }): string[] {
  const out = new Set<string>();
  for (const raw of profile.setup ?? []) {
    const c = (raw as CountStep).for?.count;
    if (c && typeof c === 'object' && typeof (c as { expected?: unknown }).expected === 'string') out.add((c as { expected: string }).expected);
  }
  return [...out];
}

export function createScenario(plan: ScenarioPlan): RequestScenario {
  return {
    name: 'load-profile',
    setup: (base) => runSetup(plan, base),
    operations: plan.operations.map((op) => ({
      id: op.id,
      weight: op.weight,
      build: (ctx) => spec(lpRequest(op, ctx.data as object, ctx, plan.profile.token)),
    })),
  };
}
