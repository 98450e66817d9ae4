// A rehearsal's table moves, step by step, on the running layout (runner.ts says when):
//
// - at an extraction's start (before its first canary step): the target database created in the
//   run's server with the domain's schema, the dual write started (logical replication from the
//   old copy, data-move.ts) and the copy backfilled at the stream's snapshot. Through the canary
//   both units serve the domain on the old copy, and every write they commit reaches the new one.
// - at the retire (the new unit has every request of the routes): the cut-over. Every unit that
//   serves the domain (the new one, and the old one, which keeps the domain's code for the calls
//   and events of its other domains) holds the domain's database work; with nothing writing the
//   old copy, the verify compares both copies (counts and checksums, once the stream has applied
//   what was committed); equal, each unit switches the domain to the new copy and goes on, and
//   the stream stops. Different (or a unit that cannot hold), nothing switches: the units are
//   released on the old copy, and the runner rolls the extraction back.
// - after the retire's drain: the old copy's tables dropped (no unit uses them: each one serving
//   the domain was switched).
//
// The reference services keep a domain's tables in one schema on one database, and a unit points
// a domain at one database: so the whole schema moves (a table the plan sends elsewhere, such as
// media_objects to object storage, moves with it, and its report says so).
import type { RunningLayout } from '../../reference-services/launcher/layout.js';
import { unitControl } from '../../reference-services/launcher/unit-control.js';
import { shortClient } from '../../reference-services/runtime/postgres.js';
import { resolveLayout } from '../model/resolve.js';
import type { Blueprint } from '../model/schema.js';
import type { Plan } from '../plan/schema.js';
import { qualified } from './backfill.js';
import { compareCopies, dropOldCopy, startDualWrite, stopDualWrite, syncSequences, type Comparison, type DualWrite } from './data-move.js';
import type { MoveStep, MoveStepRecord, MoveStepStatus, Action } from './steps.js';

/** One table of the plan's moves, as the rehearsal reports it. */
export interface DataMoveReport {
  phase: number;
  unit: string;
  table: string;
  from: string;
  to: string;
  /** null: not backfilled (`notPerformed` says why) */
  backfill: { rows: number; verified: boolean; checksum: string; copyChecksum: string; ms: number; droppedForeignKeys: string[] } | null;
  /** why the steps not run were not (a store that is not PostgreSQL, a failed verify, the end of the rehearsal) */
  notPerformed?: string;
  /** a step failed for a reason of its own (the rehearsal fails) */
  error?: string;
  /** what each step did, as it ran */
  record?: Partial<Record<MoveStep, MoveStepRecord>>;
  /** the plan's five steps of the move, each with whether the rehearsal ran it, when, and what it did or why not */
  steps?: MoveStepStatus[];
}

/** A domain's schema on its way to another database. */
export interface ActiveMove {
  phase: number;
  /** the new unit */
  unit: string;
  domain: string;
  from: string;
  to: string;
  sourceUrl: string;
  targetUrl: string;
  dual: DualWrite;
  /** the plan's tables of this move (its reports) */
  reports: DataMoveReport[];
  state: 'streaming' | 'cut-over' | 'dropped' | 'stopped';
}

export interface MoveContext {
  L: RunningLayout;
  bp: Blueprint;
  plan: Plan;
  line: (s: string) => void;
  /** seconds since the rehearsal started */
  atS: () => number;
  /** the units serving a domain now (up), with their internal listeners */
  hostsOf: (domain: string) => { name: string; internalUrl: string }[];
  /** Tests only: a row of this table is deleted from the new copy alone just before the verify. */
  tamperCopy?: string;
}

/** How long the verify waits for the stream to apply what was committed before the hold. */
export const VERIFY_BOUND_MS = 5000;
/** How long a unit may take to finish the domain's work under way when asked to hold it. */
export const HOLD_DRAIN_MS = 5000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
const rowsOf = (c: Comparison | undefined, table: string) => c?.tables.find((t) => t.table === table);

/**
 * An extraction's moves started: for each domain whose tables go from one PostgreSQL database to
 * another, the target prepared, the dual write started and the copy backfilled. Moves that cannot
 * run say why (`notPerformed`); one that fails records its error (the rehearsal fails).
 */
export async function startMoves(ctx: MoveContext, a: Extract<Action, { kind: 'start-unit' }>, moves: DataMoveReport[]): Promise<ActiveMove[]> {
  const engines = new Map<string, string>();
  for (const p of ctx.plan.phases) for (const d of resolveLayout(ctx.bp, p.layout).datastores) engines.set(d.name, d.engine);
  // The reference services keep each domain's tables in a schema named after the domain.
  const domainOf = (table: string) => a.domains.find((d) => ctx.bp.system.domains[d]?.tables.includes(table));
  const byDomain = new Map<string, DataMoveReport[]>();
  for (const m of moves) {
    const bad = [m.from, m.to].find((s) => engines.get(s) !== 'postgres');
    if (bad) m.notPerformed = `${bad} is ${engines.has(bad) ? `a ${engines.get(bad)} datastore` : 'not a datastore of the plan’s layouts'}, not a database the rehearsal can copy rows to or from`;
    else if (!domainOf(m.table)) m.notPerformed = `no domain of ${a.unit} owns table ${m.table}`;
    else byDomain.set(domainOf(m.table)!, [...(byDomain.get(domainOf(m.table)!) ?? []), m]);
  }
  const out: ActiveMove[] = [];
  for (const [domain, ms] of byDomain) {
    const targets = [...new Set(ms.map((m) => m.to))];
    if (targets.length > 1) {
      for (const m of ms) m.notPerformed = `the plan splits ${domain}'s tables across ${targets.join(', ')}; the reference services keep a domain's tables in one database`;
      continue;
    }
    const to = targets[0]!;
    const from = ms[0]!.from;
    try {
      const targetUrl = await ctx.L.prepareDatastore(to, [domain]);
      if (!targetUrl) {
        for (const m of ms) m.notPerformed = `no database for ${to} in this run (with --db url, set its DATABASE_URL_ variable)`;
        continue;
      }
      const sourceUrl = ctx.L.databaseOf(domain);
      const atS = ctx.atS();
      const dual = await startDualWrite(sourceUrl, targetUrl, domain, `archsim_move_${a.phase}_${domain.replace(/[^a-z0-9_]/g, '_')}`);
      const move: ActiveMove = { phase: a.phase, unit: a.unit, domain, from, to, sourceUrl, targetUrl, dual, reports: ms, state: 'streaming' };
      const planned = new Set(ms.map((m) => m.table));
      const companions = dual.tables.filter((t) => !planned.has(t.table)).map((t) => t.table);
      for (const m of ms) {
        const c = dual.backfill.find((x) => x.table === m.table);
        if (!c) {
          m.error = `table ${domain}.${m.table} is not in ${from}'s database`;
          continue;
        }
        m.backfill = { rows: c.rows, verified: c.verified, checksum: c.checksum, copyChecksum: c.copyChecksum, ms: dual.ms, droppedForeignKeys: c.droppedForeignKeys };
        delete m.notPerformed;
        m.record = {
          'dual write': {
            atS,
            ok: true,
            detail: `logical replication of schema ${domain} (${dual.tables.map((t) => t.table).join(', ')}) from ${from} to ${to}: every write committed to the old copy from here on, by ${a.from} or ${a.unit}, reaches the new one${companions.length ? ` (${companions.join(', ')}: kept with ${m.table} in schema ${domain} by the reference services)` : ''}`,
          },
          backfill: { atS, ok: c.verified, rows: c.rows, ms: dual.ms, detail: `${c.rows} rows copied to ${to} at the stream's snapshot of ${from}; ${c.verified ? 'the copy matches the snapshot (count, checksum)' : `the copy differs from the snapshot (source ${c.checksum}, copy ${c.copyChecksum})`}` },
        };
        if (!c.verified) m.error = 'the backfill’s copy differs from its snapshot';
      }
      // A table the plan sends elsewhere that the services keep in this schema moves with it.
      for (const m of moves) if (m.notPerformed && companions.includes(m.table) && domainOf(m.table) === domain) m.notPerformed += `; the reference services keep it in schema ${domain}, which moves to ${to} (its rows copied, streamed and cut over with ${ms.map((x) => x.table).join(', ')})`;
      ctx.line(`  dual write ${from} → ${to} started (logical replication of schema ${domain}); backfilled ${dual.backfill.map((c) => `${c.table} ${c.rows} rows`).join(', ')} in ${dual.ms} ms; ${dual.backfill.every((c) => c.verified) ? 'counts and checksums match the snapshot' : `BACKFILL MISMATCH for ${dual.backfill.filter((c) => !c.verified).map((c) => c.table).join(', ')}`}`);
      if (ms.some((m) => m.error)) {
        await stopDualWrite(dual).catch(() => undefined);
        move.state = 'stopped';
        for (const m of ms) m.notPerformed = 'the backfill failed: no cut-over';
        continue;
      }
      out.push(move);
    } catch (e) {
      for (const m of ms) if (!m.backfill) (m.error = message(e)), delete m.notPerformed;
      ctx.line(`  data move of ${domain} (${from} → ${to}) failed: ${message(e)}`);
    }
  }
  for (const m of moves) if (m.notPerformed && !m.backfill) ctx.line(`  ${m.table} (${m.from} → ${m.to}) not moved: ${m.notPerformed}`);
  return out;
}

/**
 * The cut-over of one move: hold the domain on every unit serving it, verify, switch them all to
 * the new copy, stop the stream. Null when done; else why not (nothing was switched, every unit
 * was released on the old copy, the stream stopped): the caller rolls the extraction back.
 */
export async function cutOver(ctx: MoveContext, m: ActiveMove): Promise<string | null> {
  const hosts = ctx.hostsOf(m.domain);
  const units = hosts.map((h) => ({ name: h.name, c: unitControl(h.internalUrl, ctx.L.serviceSecret) }));
  const names = hosts.map((h) => h.name).join(' and ');
  const atS = ctx.atS();
  const t0 = performance.now();
  /** units with a pool open on the new copy (released on a give-up) */
  const prepared: typeof units = [];
  /** when each unit closed the domain's gate (this host's clock) */
  const closed: number[] = [];
  const giveUp = async (why: string) => {
    await Promise.all(prepared.map((u) => u.c.release(m.domain).catch(() => undefined)));
    await stopDualWrite(m.dual).catch(() => undefined);
    m.state = 'stopped';
    for (const r of m.reports) r.notPerformed = `${why}: nothing was switched (${names} released on the old copy in ${m.from}), the extraction rolled back, the old copy kept`;
    return why;
  };
  // Pools on the new copy opened first (connects take a while on a busy host), then the gates
  // closed: the domain's work waits for the drain, the verify and the switch only.
  const prep = await Promise.allSettled(
    units.map(async (u) => {
      await u.c.prepare(m.domain, m.targetUrl);
      prepared.push(u);
    }),
  );
  const prepMs = Math.round(performance.now() - t0);
  const th = performance.now();
  const holds = prep.some((x) => x.status === 'rejected')
    ? prep
    : await Promise.allSettled(
        units.map(async (u) => {
          closed.push((await u.c.hold(m.domain, HOLD_DRAIN_MS)).closedAt);
        }),
      );
  const holdMs = Math.round(performance.now() - th);
  const failed = holds.find((h): h is PromiseRejectedResult => h.status === 'rejected');
  if (failed) {
    const why = `the cut-over could not hold ${m.domain}'s writes (${message(failed.reason)})`;
    for (const r of m.reports) r.record!['cut over'] = { atS, ok: false, ms: Math.round(performance.now() - t0), detail: why };
    ctx.line(`  ${why}`);
    return giveUp(why);
  }
  if (ctx.tamperCopy && m.dual.tables.some((t) => t.table === ctx.tamperCopy)) await tamper(m.targetUrl, { schema: m.domain, table: ctx.tamperCopy });
  const verifyAtS = ctx.atS();
  const cmp = await compareCopies(m.sourceUrl, m.targetUrl, m.dual.tables, VERIFY_BOUND_MS);
  const differ = cmp.tables.filter((t) => !t.equal);
  for (const r of m.reports) {
    const t = rowsOf(cmp, r.table);
    r.record!.verify = {
      atS: verifyAtS,
      ok: cmp.equal,
      rows: t?.rows ?? 0,
      ms: cmp.ms,
      detail: t && t.equal
        ? `${t.rows} rows, counts and checksums equal in ${m.from} and ${m.to} (${m.domain}'s writes held on ${names}; ${cmp.equal ? `the stream caught up in ${cmp.ms} ms` : `but ${differ.map((x) => x.table).join(', ')} still differed after ${cmp.ms} ms`})`
        : `MISMATCH: ${m.from} ${t?.rows ?? '?'} rows (${t?.checksum ?? '?'}), ${m.to} ${t?.copyRows ?? '?'} rows (${t?.copyChecksum ?? '?'}) after ${cmp.ms} ms with ${m.domain}'s writes held`,
    };
  }
  if (!cmp.equal) {
    const why = `the verify before the cut-over found ${differ.map((t) => `${m.domain}.${t.table} (${m.from} ${t.rows} rows, ${m.to} ${t.copyRows})`).join(', ')} different`;
    ctx.line(`  VERIFY FAILED: ${why}: cut-over stopped`);
    return giveUp(why);
  }
  await syncSequences(m.sourceUrl, m.targetUrl, m.domain);
  const cutAtS = ctx.atS();
  // Every unit points at the new copy with its gate still closed, and the gates open only once
  // all of them have: a unit that cannot switch gets the others pointed back (the release) before
  // any of the domain's work ran on the new copy, so a failed switch is undone, not a split with
  // part of the domain's writes on each copy.
  const points = await Promise.allSettled(units.map((u) => u.c.point(m.domain)));
  const refused = points.flatMap((x, i) => (x.status === 'rejected' ? [`${units[i]!.name} (${message(x.reason)})`] : []));
  if (refused.length) {
    const back = units.filter((_, i) => points[i]!.status === 'fulfilled').map((u) => u.name);
    const why = `the cut-over could not switch ${refused.join(', ')} to ${m.to}`;
    for (const r of m.reports) r.record!['cut over'] = { atS: cutAtS, ok: false, ms: Math.round(performance.now() - t0), detail: `${why}; ${back.length ? `${back.join(', ')}, pointed at ${m.to} with ${m.domain}'s work still held, pointed back to ${m.from}` : 'no unit switched'}: no work of ${m.domain} ran on ${m.to}` };
    ctx.line(`  CUT-OVER UNDONE: ${why}${back.length ? `; ${back.join(', ')} pointed back to ${m.from} before any work ran on ${m.to}` : ''}`);
    return giveUp(why);
  }
  const switches = await Promise.allSettled(units.map(async (u) => ({ name: u.name, openedAt: (await u.c.switchTo(m.domain)).openedAt })));
  const switched = switches.flatMap((x) => (x.status === 'fulfilled' ? [x.value.name] : []));
  const notSwitched = switches.flatMap((x, i) => (x.status === 'rejected' ? [`${units[i]!.name} (${message(x.reason)})`] : []));
  if (notSwitched.length) {
    // Every unit was pointed, and these opened on the new copy: they write there already, so
    // the data cannot be put back by a rollback (a unit failing between its point and its switch).
    const why = `the cut-over switched ${switched.join(', ') || 'no unit'} but not ${notSwitched.join(', ')}`;
    for (const r of m.reports) (r.error = why), (r.record!['cut over'] = { atS: cutAtS, ok: false, detail: why });
    for (const u of units.filter((x) => !switched.includes(x.name))) await u.c.release(m.domain).catch(() => undefined);
    m.state = 'stopped';
    ctx.line(`  CUT-OVER FAILED: ${why}`);
    return why;
  }
  const opened = Math.max(...switches.map((x) => (x.status === 'fulfilled' ? x.value.openedAt : 0)));
  ctx.L.moveDomain(m.domain, m.targetUrl);
  // From the first gate closed to the last opened: the longest any of the domain's work waited.
  const heldMs = Math.max(0, opened - Math.min(...closed));
  let stopped = 'the stream stopped';
  await stopDualWrite(m.dual).catch((e) => (stopped = `the stream could not be stopped: ${message(e)}`));
  m.state = 'cut-over';
  for (const r of m.reports) r.record!['cut over'] = { atS: cutAtS, ok: true, rows: rowsOf(cmp, r.table)?.rows ?? 0, ms: heldMs, detail: `${names} switched ${m.domain} to ${m.to} after the verify; its database work waited ${heldMs} ms (held, none refused); ${stopped}` };
  ctx.line(`  cut over: ${names} switched ${m.domain} to ${m.to} (${cmp.tables.map((t) => `${t.table} ${t.rows} rows`).join(', ')} verified in ${cmp.ms} ms; new pools opened in ${prepMs} ms before the holds, which were in place after ${holdMs} ms; writes held ${heldMs} ms)`);
  return null;
}

/** The old copy dropped, after the retire and its drain: no unit uses it (each one serving the domain was switched). */
export async function dropOld(ctx: MoveContext, m: ActiveMove, retired: string): Promise<void> {
  const atS = ctx.atS();
  const t0 = performance.now();
  try {
    await dropOldCopy(m.sourceUrl, m.dual.tables);
    m.state = 'dropped';
    for (const r of m.reports) r.record!['drop the old copy'] = { atS, ok: true, rows: r.record!.verify?.rows ?? 0, ms: Math.round(performance.now() - t0), detail: `${m.dual.tables.map((t) => t.table).join(', ')} dropped from ${m.from} after ${retired}'s route was retired and drained; no unit uses it (each one serving ${m.domain} was switched at the cut-over)` };
    ctx.line(`  dropped the old copy of ${m.domain} in ${m.from} (${m.dual.tables.map((t) => t.table).join(', ')})`);
  } catch (e) {
    for (const r of m.reports) (r.error = `drop of the old copy failed: ${message(e)}`), (r.record!['drop the old copy'] = { atS, ok: false, detail: `failed: ${message(e)}` });
    ctx.line(`  drop of the old copy of ${m.domain} failed: ${message(e)}`);
  }
}

/** Tests only: one row of the new copy deleted there alone (the stream does not see it). */
async function tamper(url: string, t: { schema: string; table: string }): Promise<void> {
  const c = shortClient({ connectionString: url });
  await c.connect();
  try {
    await c.query('SET session_replication_role = replica');
    await c.query(`DELETE FROM ${qualified(t)} WHERE ctid = (SELECT ctid FROM ${qualified(t)} LIMIT 1)`);
  } finally {
    await c.end().catch(() => undefined);
  }
}
