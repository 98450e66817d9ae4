// lint's broker-message-size: an event its layout's broker can be set to take no matter how
// (over SQS's 1 MiB, NATS's 64 MiB, RabbitMQ's 512 MiB, a PostgreSQL field's 1 GiB, each with
// 10% framing) is an error, named with its size, the broker kind and the limit, before anyone
// deploys. An event a setting lets through (Kafka, Redis; SQS up to 1 MiB) is no finding: the
// generators raise the setting (test/generate/broker-message-size.test.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { action } from '../../src/cli/actions/lint.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { lint } from '../../src/model/lint.js';
import { brokerEvents, framedBytes } from '../../src/model/lint-broker-message.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { resolveLayout } from '../../src/model/resolve.js';
import { runAction } from '../helpers/in-process.js';

const text = (kind: string, payload: string, opts: { event?: string; defaultPayload?: string; localDelivery?: string } = {}) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: bigevent }
system:
${opts.defaultPayload ? `  defaults: { payload: { event: ${opts.defaultPayload} } }\n` : ''}  domains:
    orders:
      operations:
        place: { route: POST /orders, cpu: 1ms, emits: [${JSON.stringify(opts.event ?? 'order.placed')}] }
    mail:
      operations:
        send: { internal: true, cpu: 1ms }
  events:
    ${JSON.stringify(opts.event ?? 'order.placed')}: { consumers: [mail.send]${payload ? `, payload: ${payload}` : ''} }
layouts:
  split:
    broker: { kind: ${kind}${opts.localDelivery ? `, localDelivery: ${opts.localDelivery}` : ''} }
    units:
      order-svc: { domains: [orders], port: 8080 }
      mail-svc: { domains: [mail], port: 8081 }
  one:
    broker: { kind: ${kind}${opts.localDelivery ? `, localDelivery: ${opts.localDelivery}` : ''} }
    units:
      app: { domains: "*", port: 8080 }
workload: { rate: 20/s, duration: 20s, mix: { orders.place: 1 } }
`;

function load(t: string) {
  const r = parseBlueprint(t, 'bp.yaml');
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}

const findings = (kind: string, payload: string, layout = 'split', opts: Parameters<typeof text>[2] = {}) =>
  lint(load(text(kind, payload, opts)), layout).filter((f) => f.rule === 'broker-message-size');

describe('broker-message-size', () => {
  it('sqs, 1000 KiB: the exact finding (1,126,400 bytes framed, over SQS’s 1 MiB)', () => {
    expect(findings('sqs', '1000KiB')).toEqual([
      {
        rule: 'broker-message-size',
        severity: 'error',
        layout: 'split',
        path: ['system', 'events', 'order.placed', 'payload'],
        message: 'event order.placed carries 1000KiB (1,126,400 bytes with 10% framing) through the sqs broker, which takes at most 1MiB (1,048,576 bytes)',
        why: "SQS's MaximumMessageSize goes up to 1 MiB: the broker rejects every such message, and no setting archsim could write lets it through. Send a reference instead (store the payload in an object store and publish its key), split it into smaller events, or use a broker that takes it.",
      },
    ]);
  });

  it('sqs, 300 KiB: no finding, SQS takes up to 1 MiB (compose relaxes ElasticMQ’s old 256 KiB)', () => {
    expect(findings('sqs', '300KiB')).toEqual([]);
  });

  it('sqs: the edge is 1 MiB with the framing — 953,250 bytes (1,048,575 framed) pass, 953,251 (1,048,577) do not', () => {
    expect(framedBytes(953_250)).toBe(1_048_575);
    expect(findings('sqs', '953250B')).toEqual([]);
    expect(framedBytes(953_251)).toBe(1_048_577);
    expect(findings('sqs', '953251B').map((f) => f.message)).toEqual(['event order.placed carries 953251B (1,048,577 bytes with 10% framing) through the sqs broker, which takes at most 1MiB (1,048,576 bytes)']);
  });

  it('the exact lint line: file:line:col at the event’s payload, error, exit 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'archsim-lint-size-'));
    const file = join(dir, 'bp.yaml');
    writeFileSync(file, text('sqs', '1000KiB'));
    const r = await runAction(() => action(file, { layout: 'split', failOn: 'error', chatty: '3' }));
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain(`${file}:13:47: error broker-message-size [split]: event order.placed carries 1000KiB (1,126,400 bytes with 10% framing) through the sqs broker, which takes at most 1MiB (1,048,576 bytes)`);
    expect(r.stderr).toContain('1 finding at or above error');
  });

  it('nats past 64 MiB, rabbitmq past 512 MiB, postgres past 1 GiB: one finding each', () => {
    expect(findings('nats', '60MiB').map((f) => f.message)).toEqual(['event order.placed carries 60MiB (69,206,016 bytes with 10% framing) through the nats broker, which takes at most 64MiB (67,108,864 bytes)']);
    expect(findings('nats', '58MiB')).toEqual([]);
    expect(findings('rabbitmq', '500MiB').map((f) => f.message)).toEqual(['event order.placed carries 500MiB (576,716,800 bytes with 10% framing) through the rabbitmq broker, which takes at most 512MiB (536,870,912 bytes)']);
    expect(findings('rabbitmq', '465MiB')).toEqual([]);
    expect(findings('postgres', '1GiB').map((f) => f.message)).toEqual(['event order.placed carries 1GiB (1,181,116,007 bytes with 10% framing) through the postgres broker, which takes at most 1GiB (1,073,741,824 bytes)']);
    expect(findings('postgres', '900MiB')).toEqual([]);
  });

  it('kafka and redis are raised by a setting: no finding even at 1 GiB', () => {
    expect(findings('kafka', '1GiB')).toEqual([]);
    expect(findings('redis', '1GiB')).toEqual([]);
  });

  it('small events: no finding for any kind', () => {
    for (const kind of ['kafka', 'nats', 'rabbitmq', 'redis', 'postgres', 'sqs']) expect(findings(kind, '')).toEqual([]);
  });

  it('an event on the default payload points at system.defaults.payload.event', () => {
    const f = findings('sqs', '', 'split', { defaultPayload: '2MiB' });
    expect(f.map((x) => x.path)).toEqual([['system', 'defaults', 'payload', 'event']]);
    expect(f[0]!.message).toBe('event order.placed carries 2MiB (2,306,868 bytes with 10% framing) through the sqs broker, which takes at most 1MiB (1,048,576 bytes)');
  });

  it('one unit: through the broker by default, not with localDelivery: in-process', () => {
    expect(findings('sqs', '2MiB', 'one').map((f) => f.layout)).toEqual(['one']);
    expect(findings('sqs', '2MiB', 'one', { localDelivery: 'in-process' })).toEqual([]);
    // Across units the broker carries it either way.
    expect(findings('sqs', '2MiB', 'split', { localDelivery: 'in-process' }).map((f) => f.layout)).toEqual(['split']);
    const bp = load(text('sqs', '2MiB', { localDelivery: 'in-process' }));
    expect(brokerEvents(bp, resolveLayout(bp, 'one'))).toEqual([]);
  });

  it('an event name with a line break and ESC is escaped: the finding stays one line', () => {
    expect(findings('sqs', '2MiB', 'split', { event: 'big\nevent\u001b[31m' }).map((f) => f.message)).toEqual([
      'event big\\nevent\\x1b[31m carries 2MiB (2,306,868 bytes with 10% framing) through the sqs broker, which takes at most 1MiB (1,048,576 bytes)',
    ]);
  });
});
