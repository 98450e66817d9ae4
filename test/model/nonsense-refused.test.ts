// Values that ran as something else in silence, refused where they are written (file:line:col):
// a call timeout of 0 (read as no timeout), a warm-up as long as the run (validate passed it,
// every command that runs it stopped with no position), a trigger metric naming no station or
// operation of the blueprint (the plan said "no unit or datastore" in a note); and the warning
// about events without a broker only where an event goes between units, naming one.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';

const BP = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: t }
system:
  domains:
    front:
      tables: [things]
      operations:
        get: { route: "GET /things/{id}", cpu: 1ms, calls: [{ op: back.lookup, timeout: 20ms }], emits: [seen] }
        audit: { internal: true, cpu: 1ms }
    back:
      operations:
        lookup: { internal: true, cpu: 1ms }
        note: { internal: true, cpu: 1ms }
  events:
    seen: { consumers: [front.audit, back.note] }
layouts:
  mono:
    units:
      app: { domains: "*", port: 8080 }
    datastores:
      db: { engine: postgres, tables: "*" }
  split:
    units:
      front: { domains: [front], port: 8080 }
      back: { domains: [back], port: 8081 }
    datastores:
      db: { engine: postgres, tables: "*" }
      mem: { engine: memory, tables: [] }
    triggers:
      - { description: ok, metric: "utilization(front)", above: 0.7 }
workload: { rate: 50/s, duration: 60s, mix: { front.get: 1 } }
`;

const lines = (text: string) => {
  const r = parseBlueprint(text, 'b.yaml');
  const all = [...(r.ok ? [] : r.errors), ...r.warnings];
  return all.map((e) => `${e.file}:${e.line}:${e.col}: ${e.severity === 'warning' ? 'warning: ' : ''}${e.message}`);
};

const CROSSING = 'b.yaml:24:5: warning: layout has 2 units and events but no broker; events between units will be modelled as direct HTTP calls (event "seen" goes from unit "front" to unit "back")';

describe('refused where written', () => {
  it('the blueprint as written: only the warning about the event that goes between units', () => {
    expect(lines(BP)).toEqual([CROSSING]);
  });

  it('a call timeout of 0ms', () => {
    expect(lines(BP.replace('timeout: 20ms', 'timeout: 0ms'))).toEqual(['b.yaml:9:89: a call timeout must be above 0ms (leave timeout out for none)', CROSSING]);
  });

  it('a warm-up as long as the duration, or longer (the default 60s duration too)', () => {
    expect(lines(BP.replace('duration: 60s', 'duration: 5s, warmup: 5s'))).toEqual(['b.yaml:32:47: the warm-up (5s) must be shorter than the duration (5s): no request would be measured', CROSSING]);
    expect(lines(BP.replace('duration: 60s', 'warmup: 2m'))).toEqual(['b.yaml:32:33: the warm-up (120s) must be shorter than the duration (60s): no request would be measured', CROSSING]);
  });

  it('a trigger metric naming an unknown station, a memory store, no station, an unknown operation, a latency of no operation', () => {
    const metric = (m: string) => lines(BP.replace('metric: "utilization(front)"', `metric: "${m}"`)).filter((l) => !l.includes('warning'));
    expect(metric('utilization(nope)')).toEqual(['b.yaml:31:36: trigger metric "utilization(nope)": no unit or datastore "nope" in layout split']);
    expect(metric('cpu(fron)')).toEqual(['b.yaml:31:36: trigger metric "cpu(fron)": no unit or datastore "fron" in layout split (did you mean "front"?)']);
    expect(metric('queue(mem)')).toEqual(['b.yaml:31:36: trigger metric "queue(mem)": datastore "mem" is engine memory, state in its unit\'s process, with no station of its own (name its unit)']);
    expect(metric('utilization')).toEqual(['b.yaml:31:36: trigger metric "utilization" names no station: write utilization(<unit or datastore>), e.g. utilization(front)']);
    expect(metric('latency.p95(front.gets)')).toEqual(['b.yaml:31:36: trigger metric "latency.p95(front.gets)": no operation "front.gets" (did you mean "front.get"?)']);
    expect(metric('rate(back.lokup)')).toEqual(['b.yaml:31:36: trigger metric "rate(back.lokup)": no operation "back.lokup" (did you mean "back.lookup"?)']);
    expect(metric('latency.p99')).toEqual(['b.yaml:31:36: trigger metric "latency.p99" names no operation: write latency.p99(<domain.operation>), e.g. latency.p99(front.get)']);
  });

  it('trigger metrics that name what the layout has, the whole rate, or a metric of the team’s own: fine', () => {
    for (const m of ['queue(db)', 'cpu(back)', 'latency.p95(front.get)', 'rate', 'rate(back.note)', 'connections', 'team.developers', 'tenants', 'p95 of checkout']) {
      expect(lines(BP.replace('metric: "utilization(front)"', `metric: "${m}"`)), m).toEqual([CROSSING]);
    }
    const gw = BP.replace('  split:\n', '  split:\n    gateway: { kind: nginx, port: 80 }\n    broker: { kind: nats }\n').replace('utilization(front)', 'utilization(gateway)');
    expect(lines(gw)).toEqual([]);
    expect(lines(gw.replace('utilization(gateway)', 'queue(broker)'))).toEqual([]);
  });
});

describe('events without a broker: warned about only where one goes between units', () => {
  it('every producer and consumer in one unit of a two-unit layout (bank.yaml strangler-1): no warning', () => {
    expect(lines(BP.replace('consumers: [front.audit, back.note]', 'consumers: [front.audit]'))).toEqual([]);
  });

  it('an event no one emits, or one that is consumed by no operation of the blueprint: no warning', () => {
    expect(lines(BP.replace('emits: [seen]', 'emits: []').replace('consumers: [front.audit, back.note]', 'consumers: [back.note]'))).toEqual(['b.yaml:16:11: warning: event "seen" is never emitted']);
  });

  it('with a broker: no warning', () => {
    expect(lines(BP.replace('  split:\n', '  split:\n    broker: { kind: nats }\n'))).toEqual([]);
  });
});

