// The largest message a layout's broker must carry, against what each broker kind takes: the
// generators raise a limit that can be raised (compose.ts, k8s.ts), `lint` reports an event no
// setting lets through (broker-message-size), before anyone deploys it. Pure.
import { terminalText } from './diagnostics.js';
import { resolveBlueprint, type ResolvedLayout } from './resolve.js';
import type { Blueprint, Broker } from './schema.js';

export type BrokerKind = Broker['kind'];

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export interface BrokerMessageLimit {
  /** the largest message the broker takes as configured by default, bytes */
  default: number;
  /** the most any setting lets through, bytes; absent: no limit an event (at most 1 GiB) reaches */
  max?: number;
  /** why `max`, for the finding */
  maxWhy?: string;
}

/**
 * Each kind's defaults and ceilings, checked in the brokers' own sources and references:
 * - kafka: message.max.bytes 1048588 (1 MiB + the 12-byte log overhead; LogConfig
 *   DEFAULT_MAX_MESSAGE_BYTES), replica.fetch.max.bytes 1 MiB, socket.request.max.bytes 100 MiB;
 *   all Java ints.
 * - nats: max_payload 1 MiB (const.go MAX_PAYLOAD_SIZE); "can be set up to 64MB" and never above
 *   max_pending, 64 MiB by default (docs.nats.io reference/config/max_payload).
 * - rabbitmq (3.13): max_message_size 134217728 (128 MiB), at most 536870912 (512 MiB; rabbit.hrl
 *   MAX_MSG_SIZE, the schema's "between 0 and 512MB" validator).
 * - redis (7.4): a bulk string up to proto-max-bulk-len, 512 MiB by default, no ceiling
 *   (config.c); the query buffer stops at client-query-buffer-limit, 1 GiB by default.
 * - postgres (a queue table): a field holds at most 1 GB (PostgreSQL's limits appendix), whatever
 *   the settings.
 * - sqs: a queue's MaximumMessageSize is "from 1,024 bytes (1 KiB) up to 1,048,576 bytes (1 MiB).
 *   Default: 1,048,576 bytes (1 MiB)" (SQS API reference, SetQueueAttributes; 256 KiB before
 *   August 2025).
 */
export const BROKER_MESSAGE_LIMITS: Record<BrokerKind, BrokerMessageLimit> = {
  kafka: { default: MiB + 12 },
  nats: { default: MiB, max: 64 * MiB, maxWhy: 'NATS max_payload goes up to 64 MiB' },
  rabbitmq: { default: 128 * MiB, max: 512 * MiB, maxWhy: 'RabbitMQ max_message_size goes up to 512 MiB' },
  redis: { default: 512 * MiB },
  postgres: { default: GiB, max: GiB, maxWhy: 'a PostgreSQL field holds at most 1 GiB, whatever the settings' },
  sqs: { default: MiB, max: MiB, maxWhy: "SQS's MaximumMessageSize goes up to 1 MiB" },
};

/** An event's message: its payload and 10% for the framing around it (as gateway.bodyLimitMiB). */
export function framedBytes(payload: number): number {
  return Math.ceil((payload * 11) / 10);
}

export interface CarriedEvent {
  event: string;
  /** the event's payload, bytes (its own, else system.defaults.payload.event) */
  payload: number;
  /** with the framing: what the broker must take */
  framed: number;
}

/**
 * The events a layout's broker carries, largest first (then by name): each one an operation
 * emits that goes through the broker, as the simulator sends it (compile.ts viaBroker): every
 * event, or with `localDelivery: in-process` only those with a consumer in another unit.
 */
export function brokerEvents(bp: Blueprint, r: ResolvedLayout): CarriedEvent[] {
  const broker = r.layout.broker;
  if (!broker) return [];
  const rb = resolveBlueprint(bp);
  const out = new Map<string, CarriedEvent>();
  for (const o of rb.operations) {
    const from = r.unitOfDomain.get(o.domain);
    for (const name of o.op.emits) {
      const e = rb.events.get(name);
      if (!e || out.has(name)) continue;
      const elsewhere = e.consumers.some((c) => r.unitOfDomain.get(c.slice(0, c.indexOf('.'))) !== from);
      if (broker.localDelivery !== 'in-process' || elsewhere) out.set(name, { event: name, payload: e.payload, framed: framedBytes(e.payload) });
    }
  }
  return [...out.values()].sort((a, b) => b.framed - a.framed || (a.event < b.event ? -1 : a.event > b.event ? 1 : 0));
}

export interface BrokerMessageSize {
  kind: BrokerKind;
  /** the largest event the broker carries */
  largest: CarriedEvent;
  /**
   * The limit to configure, bytes: the largest framed message in whole MiB, at most the kind's
   * ceiling; absent where the default already takes it.
   */
  raiseTo?: number;
}

/** What the layout's broker must take, and whether its default must be raised for it. */
export function brokerMessageSize(bp: Blueprint, r: ResolvedLayout): BrokerMessageSize | undefined {
  const kind = r.layout.broker?.kind;
  const largest = brokerEvents(bp, r)[0];
  if (!kind || !largest) return undefined;
  const limit = BROKER_MESSAGE_LIMITS[kind];
  if (largest.framed <= limit.default) return { kind, largest };
  const whole = Math.ceil(largest.framed / MiB) * MiB;
  const raiseTo = Math.min(whole, limit.max ?? whole);
  return raiseTo > limit.default ? { kind, largest, raiseTo } : { kind, largest };
}

/** "1,126,400" */
const bytes = (n: number) => n.toLocaleString('en-US');

/**
 * A size as a blueprint writes it, exactly: in the largest unit that divides it ("1500KiB",
 * "512MiB", "953251B"). units.formatSize rounds to two digits (512 MiB would read "510MiB").
 */
export function exactSize(n: number): string {
  for (const [unit, k] of [['GiB', GiB], ['MiB', MiB], ['KiB', KiB]] as const) if (n >= k && n % k === 0) return `${n / k}${unit}`;
  return `${n}B`;
}

export interface BrokerMessageFinding {
  event: string;
  path: (string | number)[];
  message: string;
  why: string;
}

/** Each carried event over what the broker can be set to take: no configuration delivers it. */
export function brokerMessageFindings(bp: Blueprint, r: ResolvedLayout): BrokerMessageFinding[] {
  const kind = r.layout.broker?.kind;
  if (!kind) return [];
  const limit = BROKER_MESSAGE_LIMITS[kind];
  if (limit.max === undefined) return [];
  return brokerEvents(bp, r)
    .filter((e) => e.framed > limit.max!)
    .map((e) => ({
      event: e.event,
      // The event's own payload where it declares one, else the default it takes.
      path: bp.system.events[e.event]?.payload !== undefined ? ['system', 'events', e.event, 'payload'] : ['system', 'defaults', 'payload', 'event'],
      // An event name is free text (line breaks included): escaped, as everywhere it is shown.
      message: `event ${terminalText(e.event)} carries ${exactSize(e.payload)} (${bytes(e.framed)} bytes with 10% framing) through the ${kind} broker, which takes at most ${exactSize(limit.max!)} (${bytes(limit.max!)} bytes)`,
      why: `${limit.maxWhy}: the broker rejects every such message, and no setting archsim could write lets it through. Send a reference instead (store the payload in an object store and publish its key), split it into smaller events, or use a broker that takes it.`,
    }));
}

export interface BrokerSetting {
  /** the broker's own name for it: a server property, a config-file key, a flag */
  name: string;
  /** bytes */
  value: number;
}

/**
 * The settings that raise the broker's limit to `raiseTo`, in its own names (compose writes each
 * in its image's convention, the Kubernetes note names them for the cluster's broker). Kafka checks
 * a produce request against socket.request.max.bytes too, and Redis a command against
 * client-query-buffer-limit: each raised only where the new limit passes its default.
 */
export function brokerSettings(size: BrokerMessageSize): BrokerSetting[] {
  const v = size.raiseTo;
  if (v === undefined) return [];
  switch (size.kind) {
    case 'kafka':
      return [{ name: 'message.max.bytes', value: v }, { name: 'replica.fetch.max.bytes', value: v }, ...(v > 100 * MiB ? [{ name: 'socket.request.max.bytes', value: v }] : [])];
    case 'nats':
      return [{ name: 'max_payload', value: v }];
    case 'rabbitmq':
      return [{ name: 'max_message_size', value: v }];
    case 'redis':
      return [{ name: 'proto-max-bulk-len', value: v }, ...(v > GiB ? [{ name: 'client-query-buffer-limit', value: v }] : [])];
    default:
      return [];
  }
}
