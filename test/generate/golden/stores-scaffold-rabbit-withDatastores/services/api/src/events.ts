// The events of api: a publish<Event>(clients, payload) per event it emits.
// This layout has a rabbitmq broker, at BROKER_URL (set by compose and Kubernetes). Publishing to it
// and subscribing are STUBS: write them with its client library (archsim adds none).
// The deliveries run detached from the emitting request, as simulated: a handler may leave the
// promise unawaited (it never rejects) or await it for the deliveries that failed.
import type { Clients } from './clients.js';
import { NotImplemented } from './errors.js';

/** A delivery that failed: to which consumer operation (or the broker), and why. */
export interface DeliveryFailure {
  to: string;
  error: unknown;
}

/** Runs every delivery at once; resolves to those that failed and never rejects. */
async function deliver(deliveries: readonly (readonly [string, () => Promise<unknown>])[]): Promise<DeliveryFailure[]> {
  const settled = await Promise.allSettled(deliveries.map(([, run]) => Promise.resolve().then(run)));
  return settled.flatMap((s, i) => (s.status === 'rejected' ? [{ to: deliveries[i]![0], error: s.reason as unknown }] : []));
}

/**
 * STUB: publish an event to the rabbitmq broker at BROKER_URL, with the broker's client library.
 * Until then every publish through it fails with NotImplemented (a DeliveryFailure).
 */
async function toBroker(event: string, payload: unknown): Promise<void> {
  void payload;
  throw new NotImplemented(event, "publish it to the rabbitmq broker at BROKER_URL (src/events.ts)");
}

/** item.seen: its payload, refine it (each consumer takes it as its input's body). */
export type ItemSeenPayload = Record<string, unknown>;

/** Publish item.seen (emitted by api.list) to worker.index in worker, through the rabbitmq broker. */
export function publishItemSeen(clients: Clients, payload: ItemSeenPayload): Promise<DeliveryFailure[]> {
  return deliver([
    // subscribed on the broker: worker.index (worker)
    ["rabbitmq broker", () => toBroker("item.seen", payload)],
  ]);
}
