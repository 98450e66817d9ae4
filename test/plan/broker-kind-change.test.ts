// A phase that changes the broker's kind says so. telemetry (a tester's /tmp/unseen5/iot.yaml)
// goes from the monolith's PostgreSQL queue to nats and then to sqs: the overlay switched brokers
// in phases 2 and 3 and the plan said nothing (no step, no effort, nothing about the events in
// flight), while a first broker is described ("the kafka broker carries events between units")
// and counted ("broker set-up: 1 × 3"). Now the phase names the change, says the old broker's
// in-flight events are drained before it retires, and counts it as a broker set-up is counted.
import { describe, expect, it } from 'vitest';
import { EFFORT_MODEL } from '../../src/plan/index.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { TELEMETRY, telemetryPlan } from './telemetry.js';

const change = (a: string, b: string) =>
  `the broker changes from ${a} to ${b}: the ${b} broker is set up and the publishers switch to it; consumers keep reading ${a} until the events in flight there are drained (every consumer has processed them), and only then does the ${a} broker retire`;

describe('plan: a broker of another kind', () => {
  it('the phase that changes the broker says so, with the drain of the old one', () => {
    const { p } = telemetryPlan();
    expect(p.phases.map((ph) => (ph.layoutInput.broker as { kind: string }).kind)).toEqual(['postgres', 'postgres', 'nats', 'sqs']);
    expect(p.phases.map((ph) => ph.notes.filter((n) => /broker/.test(n)))).toEqual([[], [], [change('postgres', 'nats')], [change('nats', 'sqs')]]);
    const md = renderPlanMarkdown(p);
    expect(md).toContain(`- ${change('postgres', 'nats')}\n`);
    expect(md).toContain(`- ${change('nats', 'sqs')}\n`);
  });

  it('counts each change as a broker set-up is counted (the effort model’s broker figure)', () => {
    const { p } = telemetryPlan();
    expect(p.phases.map((ph) => (ph.effort?.items ?? []).filter((i) => /broker/.test(i)))).toEqual([
      [],
      [],
      ['broker change (postgres → nats), the old one drained: 1 × 3 = 3 person-days'],
      ['broker change (nats → sqs), the old one drained: 1 × 3 = 3 person-days'],
    ]);
    // --effort broker=5 moves it, as it moves a set-up.
    const five = telemetryPlan(TELEMETRY, { effort: { ...EFFORT_MODEL, broker: 5 } }).p;
    expect(five.phases[2]!.effort!.items).toContain('broker change (postgres → nats), the old one drained: 1 × 5 = 5 person-days');
    expect(five.phases[2]!.effort!.personDays).toBe(p.phases[2]!.effort!.personDays + 2);
  });

  it('a broker of the same kind is no change, and a first one is a set-up', () => {
    const same = TELEMETRY.replace('kind: nats', 'kind: postgres').replace('kind: sqs', 'kind: postgres');
    const { p } = telemetryPlan(same);
    expect(p.phases.flatMap((ph) => [...ph.notes, ...(ph.effort?.items ?? [])]).filter((n) => /broker/.test(n))).toEqual([]);
    // The monolith without a broker: the first one is a set-up, not a change.
    const first = telemetryPlan(TELEMETRY.replace('    broker: { kind: postgres, instance: db }\n', '')).p;
    expect(first.phases.map((ph) => (ph.effort?.items ?? []).filter((i) => /broker/.test(i)))).toEqual([
      [],
      ['broker set-up: 1 × 3 = 3 person-days'],
      [],
      ['broker change (nats → sqs), the old one drained: 1 × 3 = 3 person-days'],
    ]);
    expect(first.phases[1]!.notes).toContain('the nats broker carries events between units');
    expect(first.phases[1]!.notes.filter((n) => /broker changes/.test(n))).toEqual([]);
  });
});
