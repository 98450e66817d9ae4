// A call (an event flow) that becomes remote is counted once, in the phase where it becomes
// remote: each phase is compared with the one before. Counted as the edges crossing the moved
// domains, bakery's orders.place → ovens.reserve (remote once oven-svc left in phase 2) was
// counted again in phase 3, the order.placed flow in phase 1 and again in phase 3, and with
// --phases declared the same target cost 38 person-days against 35.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { BAKERY, ZOO } from './sweep-fixtures.js';

const start = '2026-01-05';
/** Per phase (from 1), the count of an effort item ("synchronous calls becoming remote"), 0 when absent. */
const counts = (p: ReturnType<typeof plan>['plan'], what: string) =>
  p.phases.slice(1).map((ph) => Number(ph.effort!.items.map((i) => new RegExp(`^${what}: (\\d+) ×`).exec(i)?.[1]).find(Boolean) ?? 0));

describe('plan effort: what becomes remote, once', () => {
  it('bakery monolith → micro: 2 calls and 1 event flow in all, each in its phase, the same total for every --phases', () => {
    const auto = plan(bp(BAKERY), { from: 'monolith', to: 'micro', start }).plan;
    // Phase 1 notify-svc: the order.placed flow; phase 2 oven-svc: orders.place → ovens.reserve;
    // phase 3 order-svc: orders.place → billing.charge (billing stays in the app, now billing-svc).
    expect(counts(auto, 'synchronous calls becoming remote')).toEqual([0, 1, 1]);
    expect(counts(auto, 'event flows crossing units')).toEqual([1, 0, 0]);
    const declared = plan(bp(BAKERY), { from: 'monolith', to: 'micro', mode: 'declared', start }).plan;
    expect(counts(declared, 'synchronous calls becoming remote')).toEqual([2]);
    expect(counts(declared, 'event flows crossing units')).toEqual([1]);
    const unit = plan(bp(BAKERY), { from: 'monolith', to: 'micro', mode: 'unit', start }).plan;
    expect(auto.totals.personDays).toBe(39.5);
    expect(declared.totals.personDays).toBe(39.5);
    expect(unit.totals.personDays).toBe(39.5);
  });

  it('zoo: 3 event flows (ticket.sold to three consumers) and 3 calls, each counted once', () => {
    const auto = plan(bp(ZOO), { from: 'mono', to: 'split', start }).plan;
    expect(counts(auto, 'event flows crossing units')).toEqual([1, 1, 1, 0]);
    expect(counts(auto, 'synchronous calls becoming remote')).toEqual([0, 1, 0, 2]);
    const declared = plan(bp(ZOO), { from: 'mono', to: 'split', mode: 'declared', start }).plan;
    expect(counts(declared, 'event flows crossing units')).toEqual([3]);
    expect(counts(declared, 'synchronous calls becoming remote')).toEqual([3]);
    expect(declared.totals.personDays).toBe(auto.totals.personDays);
  });
});
