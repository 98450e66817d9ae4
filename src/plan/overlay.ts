// A phase layout written back as blueprint input (human units: "0.25ms", "70%"), so the overlay
// file `extends:` the blueprint and every command reads the phases like any other layout. The
// conversion is exact (no rounding): the overlay must simulate to the same figures. Pure.
import type { Dist, Layout } from '../model/schema.js';

const ms = (v: number) => `${v}ms`;

function dist(d: Dist): unknown {
  if (d.dist === 'exp') return ms(d.mean);
  if (d.dist === 'uniform') return { dist: 'uniform', min: ms((d as { min: number }).min), max: ms((d as { max: number }).max) };
  if (d.dist === 'const') return { dist: 'const', mean: ms(d.mean) };
  return { dist: d.dist, mean: ms(d.mean), cv: d.cv };
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

export function layoutInput(l: Layout): Record<string, unknown> {
  const units = Object.fromEntries(
    Object.entries(l.units).map(([n, u]) => [
      n,
      defined({
        ...u,
        autoscale: u.autoscale
          ? { ...u.autoscale, scaleUpDelay: ms(u.autoscale.scaleUpDelay), coldStart: ms(u.autoscale.coldStart) }
          : undefined,
      }),
    ]),
  );
  const datastores = Object.fromEntries(
    Object.entries(l.datastores).map(([n, s]) => [n, defined({ ...s, read: s.read ? dist(s.read) : undefined, write: s.write ? dist(s.write) : undefined })]),
  );
  return defined({
    description: l.description,
    style: l.style,
    protocol: l.protocol === 'http' ? undefined : l.protocol,
    gateway: l.gateway ? defined({ ...l.gateway, cpu: dist(l.gateway.cpu) }) : undefined,
    broker: l.broker
      ? defined({
          ...l.broker,
          cpu: dist(l.broker.cpu),
          latency: ms(l.broker.latency),
          publishCpu: l.broker.publishCpu === undefined ? undefined : ms(l.broker.publishCpu),
          consumeCpu: l.broker.consumeCpu === undefined ? undefined : ms(l.broker.consumeCpu),
        })
      : undefined,
    units,
    datastores,
    extras: Object.keys(l.extras).length ? l.extras : undefined,
    network: { latency: ms(l.network.latency), cpuPerCall: ms(l.network.cpuPerCall), cpuPerKiB: ms(l.network.cpuPerKiB), ...grpcInput(l) },
    triggers: l.triggers.length ? l.triggers : undefined,
    next: l.next,
  });
}

/** gRPC's own hop costs, only the figures the layout gives (the rest stay the HTTP ones). */
function grpcInput(l: Layout): { grpc?: Record<string, unknown> } {
  const g = l.network.grpc;
  const out = defined({ latency: g.latency === undefined ? undefined : ms(g.latency), cpuPerCall: g.cpuPerCall === undefined ? undefined : ms(g.cpuPerCall), cpuPerKiB: g.cpuPerKiB === undefined ? undefined : ms(g.cpuPerKiB) });
  return Object.keys(out).length ? { grpc: out } : {};
}
