// The load profile's interpreter, written once and run by both drivers. It is JavaScript kept as
// text (RUNTIME_SOURCE): the generated k6 script carries these exact bytes, and the embedded driver
// evaluates the same text in Node (below), so the two drivers cannot drift apart, and generated
// scripts do not depend on how this module was compiled. Rules for the text: plain ES2020
// functions, no imports, no Node or k6 APIs, no template literals (it lives in one), calling only
// each other. k6 v0.53+ (native ES modules) and Node 20 both run it. Tested through both drivers.
//
// Setup is a generator: it yields a batch of independent requests ({ requests }) or a pause
// ({ sleep: ms }) and receives the responses, so the embedded driver can await fetch() while k6
// calls http.batch() synchronously.

export const RUNTIME_SOURCE = String.raw`
/**
 * Names a path may not step through: reading them reaches the runtime's own objects and writing
 * them changes every object's prototype (the schema refuses them too; this holds for any input).
 */
function lpForbidden(k) {
  return k === '__proto__' || k === 'constructor' || k === 'prototype';
}

/** A dotted path into an object ("user.contacts.0"); undefined when any step is missing. */
function lpGet(obj, path) {
  let v = obj;
  for (const k of path.split('.')) {
    if (k === '') continue;
    if (lpForbidden(k)) throw new Error('"' + path + '": a path may not name ' + k);
    if (v === null || v === undefined) return undefined;
    if (!Object.prototype.hasOwnProperty.call(Object(v), k)) return undefined;
    v = v[k];
  }
  return v;
}

/** One expression: a path, pick(path), next(path) or fill(n). */
function lpEval(expr, scope) {
  const e = expr.trim();
  const call = /^([a-z]+)\(\s*([^)]*?)\s*\)(?:\.([\w.]+))?$/.exec(e);
  if (!call) {
    const v = lpGet(scope, e);
    if (v === undefined) throw new Error('{{' + e + '}}: nothing at "' + e + '"');
    return v;
  }
  const fn = call[1];
  const arg = call[2];
  let v;
  if (fn === 'fill') v = 'x'.repeat(Number(arg));
  else if (fn === 'pick' || fn === 'next') {
    const list = lpGet(scope, arg);
    if (!Array.isArray(list) || list.length === 0) throw new Error('{{' + e + '}}: "' + arg + '" is not a non-empty list');
    const i = fn === 'pick' ? Math.floor(scope.random() * list.length) : scope.opSeq % list.length;
    v = list[i];
  } else throw new Error('{{' + e + '}}: unknown function ' + fn + '(); there are pick, next, fill');
  return call[3] ? lpGet(v, call[3]) : v;
}

/** A template: strings with {{expr}}, lists and objects rendered through. */
function lpRender(tpl, scope) {
  if (typeof tpl === 'string') {
    const whole = /^\{\{([^{}]+)\}\}$/.exec(tpl);
    if (whole) return lpEval(whole[1], scope);
    return tpl.replace(/\{\{([^{}]+)\}\}/g, (_m, x) => String(lpEval(x, scope)));
  }
  if (Array.isArray(tpl)) return tpl.map((x) => lpRender(x, scope));
  if (tpl && typeof tpl === 'object') {
    const out = {};
    for (const k of Object.keys(tpl)) out[k] = lpRender(tpl[k], scope);
    return out;
  }
  return tpl;
}

/** A request in the drivers' common shape: { method, path, headers, body?, bytes? }. */
function lpHttp(method, path, token, headers, t, scope) {
  const h = {};
  if (headers) for (const k of Object.keys(headers)) h[k.toLowerCase()] = lpRender(headers[k], scope);
  if (token) h.authorization = 'Bearer ' + token;
  const req = { method, path, headers: h };
  if (t.bytes !== undefined) {
    req.bytes = t.bytes;
    h['content-type'] = t.contentType || 'application/octet-stream';
  } else if (t.json !== undefined) {
    req.body = JSON.stringify(lpRender(t.json, scope));
    h['content-type'] = t.contentType || 'application/json';
  } else if (t.body !== undefined) {
    req.body = lpRender(t.body, scope);
    if (t.contentType) h['content-type'] = t.contentType;
  }
  return req;
}

/** The same bytes in both drivers: a binary body of n bytes. */
function lpBytes(n) {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 0xff;
  return b;
}

/** Where a setup step's iterations come from: users, user × peers × repeat, or a count. */
function lpIterations(step, data, expected) {
  const users = data.users;
  const n = users.length;
  const f = step.for || {};
  const out = [];
  if (f.count !== undefined) {
    let count = f.count;
    if (typeof count === 'object') {
      const e = (expected && expected[count.expected]) || 0;
      count = e > 0 ? Math.ceil(e * 1.3 + 10) : 0;
      if (f.count.max !== undefined) count = Math.min(count, f.count.max);
    }
    for (let i = 0; i < count; i++) out.push({ i, user: users[i % n], peer: users[(i + 1) % n], r: 0 });
    return out;
  }
  const m = Math.min(n, f.users || n);
  for (let i = 0; i < m; i++) {
    const peers = f.peers ? f.peers : 0;
    for (let k = peers ? 1 : 0; k <= peers; k++) {
      for (let r = 0; r < (f.repeat || 1); r++) out.push({ i, user: users[i], peer: peers ? users[(i + k) % n] : undefined, r });
    }
  }
  return out;
}

/** Store what a step's response (or a template) gives: "user.token", "peer.inbox[]", "pool.x[]". */
function lpSave(save, scope, text) {
  if (!save) return;
  let json;
  const source = (s) => {
    if (typeof s === 'string' && s.indexOf('$.') === 0) {
      if (json === undefined) json = text ? JSON.parse(text) : null;
      const v = lpGet(json, s.slice(2));
      if (v === undefined) throw new Error('the response has nothing at ' + s + ': ' + String(text).slice(0, 200));
      return v;
    }
    if (s && typeof s === 'object' && !Array.isArray(s)) {
      const o = {};
      for (const k of Object.keys(s)) o[k] = source(s[k]);
      return o;
    }
    return lpRender(s, scope);
  };
  for (const target of Object.keys(save)) {
    const append = target.slice(-2) === '[]';
    const parts = (append ? target.slice(0, -2) : target).split('.');
    for (const p of parts) if (lpForbidden(p)) throw new Error('save "' + target + '": a path may not name ' + p);
    const last = parts.pop();
    let obj = scope;
    for (const p of parts) {
      if (obj[p] === undefined || obj[p] === null) obj[p] = {};
      obj = obj[p];
    }
    const value = source(save[target]);
    if (append) (obj[last] = obj[last] || []).push(value);
    else obj[last] = value;
  }
}

/**
 * Setup: each step's requests as one batch (yield { requests }), retried while a step says so
 * (yield { sleep: ms } between tries); returns the data the load requests are built from.
 */
function* lpSetup(profile, expected, run) {
  const users = [];
  for (let i = 0; i < profile.users; i++) users.push({ i, name: 'lt' + run + 'u' + i });
  const data = { run, vars: profile.vars || {}, users, pool: {} };
  const steps = profile.setup || [];
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s];
    const label = step.name || step.request.method + ' ' + step.request.path;
    let pending = lpIterations(step, data, expected).map((it) => {
      const scope = { run, vars: data.vars, users, pool: data.pool, i: it.i, r: it.r, user: it.user, peer: it.peer, opSeq: it.i, random: Math.random };
      return { scope, tries: 0 };
    });
    while (pending.length) {
      const requests = pending.map((p) => {
        const q = step.request;
        const token = q.token ? lpRender(q.token, p.scope) : null;
        return lpHttp(q.method, lpRender(q.path, p.scope), token, q.headers, q, p.scope);
      });
      const responses = yield { requests };
      const again = [];
      for (let j = 0; j < pending.length; j++) {
        const p = pending[j];
        const res = responses[j];
        if (res.status >= 200 && res.status < 300) lpSave(step.save, p.scope, res.body);
        else if (step.retry && p.tries + 1 < step.retry.attempts) {
          p.tries++;
          again.push(p);
        } else if (!step.optional) {
          const q = requests[j];
          throw new Error('setup step "' + label + '": ' + q.method + ' ' + q.path + ' answered ' + (res.status || res.error || 'nothing') + ' ' + String(res.body || '').slice(0, 200));
        }
      }
      if (again.length) yield { sleep: step.retry.interval };
      pending = again;
    }
  }
  return data;
}

/**
 * One load request of an operation. op: { id, method, path (with {param}s), t (its template) };
 * ctx: { seq, opSeq, random }. "user" is a user picked at random unless "with" binds one.
 */
function lpRequest(op, data, ctx, defaultToken) {
  const t = op.t || {};
  const users = data.users || [];
  const scope = { run: data.run, vars: data.vars, users, pool: data.pool, seq: ctx.seq, opSeq: ctx.opSeq, random: ctx.random };
  scope.user = users.length ? users[Math.floor(ctx.random() * users.length)] : undefined;
  if (t.with) for (const k of Object.keys(t.with)) {
    if (lpForbidden(k)) throw new Error(op.id + ': with may not bind ' + k);
    scope[k] = lpEval(t.with[k], scope);
  }
  let path = op.path.replace(/\{([^}]+)\}/g, (_m, name) => {
    const v = t.params && t.params[name] !== undefined ? lpRender(t.params[name], scope) : undefined;
    if (v === undefined) throw new Error(op.id + ': no value for {' + name + '} (give requests.' + op.id + '.params.' + name + ')');
    return encodeURIComponent(String(v));
  });
  if (t.query) {
    const parts = [];
    for (const k of Object.keys(t.query)) parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(String(lpRender(t.query[k], scope))));
    if (parts.length) path += (path.indexOf('?') >= 0 ? '&' : '?') + parts.join('&');
  }
  const tokenTpl = t.token === undefined ? defaultToken : t.token;
  const token = tokenTpl ? lpRender(tokenTpl, scope) : null;
  return lpHttp(op.method, path, token, t.headers, t, scope);
}

/**
 * The order operations are sent in: smooth weighted round-robin (nginx's) over whole-number
 * weights, one cycle of sum(weights) positions. Position p sends cycle[p mod L]; its number within
 * its operation is floor(p / L) × perCycle[op] + rank[p mod L]. Both drivers follow it, so they
 * send the same operations in the same order.
 */
function lpCycle(weights) {
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  const cycle = [];
  const rank = [];
  const seen = weights.map(() => 0);
  for (let s = 0; s < total; s++) {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i] = current[i] + weights[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] = current[best] - total;
    cycle.push(best);
    rank.push(seen[best]);
    seen[best] = seen[best] + 1;
  }
  return { cycle, rank, perCycle: seen };
}
`;

/** A request as both drivers send it. */
export type WireRequest = { method: string; path: string; headers: Record<string, string>; body?: string; bytes?: number };
export type SetupYield = { requests: WireRequest[] } | { sleep: number };
export type SetupResponse = { status: number; body: string; error?: string };
export type OperationRef = { id: string; method: string; path: string; t: unknown };
export type RequestCtx = { seq: number; opSeq: number; random: () => number };

export interface Runtime {
  lpGet(obj: unknown, path: string): unknown;
  lpEval(expr: string, scope: unknown): unknown;
  lpRender(tpl: unknown, scope: unknown): unknown;
  lpBytes(n: number): Uint8Array;
  lpSetup(profile: unknown, expected: Record<string, number>, run: string): Generator<SetupYield, unknown, SetupResponse[] | undefined>;
  lpRequest(op: OperationRef, data: unknown, ctx: RequestCtx, defaultToken: string | null): WireRequest;
  lpCycle(weights: number[]): { cycle: number[]; rank: number[]; perCycle: number[] };
  /** a setup step's iterations (for a `for: count` step: from the expected counts) */
  lpIterations(step: unknown, data: unknown, expected: Record<string, number>): { i: number; r: number; user: unknown; peer: unknown }[];
  lpHttp(method: string, path: string, token: string | null, headers: unknown, t: unknown, scope: unknown): WireRequest;
  lpSave(save: unknown, scope: unknown, text: string): void;
}

// The same text, evaluated once in Node. (new Function: the source is this module's own constant.)
const runtime = new Function(`${RUNTIME_SOURCE}\nreturn { lpGet, lpEval, lpRender, lpBytes, lpSetup, lpRequest, lpCycle, lpIterations, lpHttp, lpSave };`)() as Runtime;

export const { lpGet, lpEval, lpRender, lpBytes, lpSetup, lpRequest, lpCycle, lpIterations, lpHttp, lpSave } = runtime;
