// A load profile as the embedded driver's scenario: setup() runs the profile's setup steps with
// fetch (a step's requests several at a time), and each operation builds its requests with the
// same interpreter the generated k6 script carries (../profile/runtime.ts).
import { lpBytes, lpRequest, lpSetup } from '../profile/runtime.js';
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
    const responses = await inOrder(v.requests!, 8, async (r) => {
      const s = spec(r);
      try {
        // Set-up is not measured: a slow server (a password hash per user, in a container short
        // of CPU on a busy machine: over 30 s at load 54 on two cores) gets two minutes a request.
        const res = await fetch(base + s.path, { method: s.method, headers: s.headers, body: s.body as never, signal: AbortSignal.timeout(SETUP_REQUEST_TIMEOUT_MS) });
        return { status: res.status, body: await res.text() };
      } catch (e) {
        return { status: 0, error: (e as Error).message, body: '' };
      }
    });
    step = g.next(responses);
  }
  return step.value;
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
