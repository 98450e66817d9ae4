// A unit that takes events from a broker starts its subscription from main.ts once it listens
// (src/events.ts subscribe: a stub until the team writes the broker's client into it). Until then
// the service serves its routes and says once, in its log, that those events are not delivered;
// a unit without subscriptions has none of it. The generated services are built with archsim's
// installed packages and run for real, HTTP and gRPC.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { NOT_SUBSCRIBED } from '../../src/generate/scaffold-main.js';
import { call, freePort, logLines, startService, waitFor } from '../helpers/generated-service.js';
import { fileOf, load } from './own-blueprint.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** orders publishes order.placed; stock (HTTP) and ledger (gRPC) consume it; broker line if any. */
const blueprint = (broker: string) =>
  load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: subs }
system:
  domains:
    orders:
      operations:
        place: { route: "POST /orders", cpu: 1ms, emits: [order.placed] }
    stock:
      operations:
        reserve: { internal: true, route: "POST /reserve", cpu: 1ms }
    ledger:
      operations:
        book: { internal: true, cpu: 1ms }
  events:
    order.placed: { consumers: [stock.reserve, ledger.book] }
layouts:
  split:
${broker}    units:
      orders: { domains: [orders], port: 8080 }
      stock: { domains: [stock], port: 8081 }
      ledger: { domains: [ledger], port: 50051, protocol: grpc }
`);
const RABBIT = '    broker: { kind: rabbitmq }\n';

const SUBSCRIBE_LINES = [
  '  // The events this unit takes from the broker (src/events.ts SUBSCRIPTIONS).',
  "  const { subscribe } = await import('./events.js');",
  "  const { createClients } = await import('./clients.js');",
];

describe('scaffold: main.ts starts the broker subscription', () => {
  it('an HTTP consumer subscribes after it listens and logs a warning while subscribe fails; the publisher does not', () => {
    const files = generate('scaffold', blueprint(RABBIT), 'split');
    const stock = fileOf(files, 'services/stock/src/main.ts');
    expect(stock.slice(stock.indexOf('  try {\n    await app.listen'))).toBe(
      [
        '  try {',
        '    await app.listen({ port, host });',
        '  } catch (err) {',
        '    app.log.error(err);',
        '    process.exit(1);',
        '  }',
        ...SUBSCRIBE_LINES,
        `  subscribe(createClients()).catch((err: unknown) => app.log.warn({ err }, ${JSON.stringify(NOT_SUBSCRIBED)}));`,
        '}',
        '',
      ].join('\n'),
    );
    expect(fileOf(files, 'services/orders/src/main.ts')).not.toContain('subscribe');
  });

  it('a gRPC consumer subscribes once bound, logging through its JSON log', () => {
    const main = fileOf(generate('scaffold', blueprint(RABBIT), 'split'), 'services/ledger/src/main.ts').split('\n');
    const at = main.indexOf("  log('listening', { port: bound });");
    expect(main.slice(at, at + 6)).toEqual([
      "  log('listening', { port: bound });",
      ...SUBSCRIBE_LINES,
      `  subscribe(createClients()).catch((err: unknown) => log(${JSON.stringify(NOT_SUBSCRIBED)}, { level: 'warn', error: String(err) }));`,
      '}',
    ]);
  });

  it('without a broker (direct calls) no unit subscribes', () => {
    const files = generate('scaffold', blueprint(''), 'split');
    for (const u of ['orders', 'stock', 'ledger']) expect(fileOf(files, `services/${u}/src/main.ts`), u).not.toContain('subscribe');
  });
});

const tmp = mkdtempSync(join(tmpdir(), 'archsim-scaffold-subscribe-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scaffold: the subscription, run for real', () => {
  it('builds the consumers with the installed packages', () => {
    for (const f of generate('scaffold', blueprint(RABBIT), 'split')) {
      mkdirSync(dirname(join(tmp, f.path)), { recursive: true });
      writeFileSync(join(tmp, f.path), f.content);
    }
    symlinkSync(join(ROOT, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    for (const unit of ['stock', 'ledger']) {
      const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(tmp, 'services', unit, 'tsconfig.json')], { encoding: 'utf8' });
      expect(r.stdout + r.stderr, unit).toBe('');
      expect(r.status).toBe(0);
    }
  }, 180_000);

  it('HTTP: the stub fails, the warning is logged once, the service answers and stops cleanly', async () => {
    const port = await freePort();
    const { child, logs, exited } = startService(join(tmp, 'services/stock'), { PORT: String(port) });
    try {
      const warned = await waitFor('the warning', () => logLines(logs()).filter((l) => l.msg === NOT_SUBSCRIBED).at(0), logs);
      expect(warned.level).toBe(40); // pino's warn
      expect(String((warned.err as { message?: unknown }).message)).toContain('BROKER_URL');
      expect((await call(port, 'GET', '/health')).status).toBe(200);
      expect(logLines(logs()).filter((l) => l.msg === NOT_SUBSCRIBED)).toHaveLength(1);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, logs()).toBe(0);
  }, 60_000);

  it('gRPC: listening, then the warning once; it stops cleanly', async () => {
    const port = await freePort();
    const { child, logs, exited } = startService(join(tmp, 'services/ledger'), { PORT: String(port) });
    try {
      const warned = await waitFor('the warning', () => logLines(logs()).filter((l) => l.msg === NOT_SUBSCRIBED).at(0), logs);
      expect(warned.level).toBe('warn');
      expect(String(warned.error)).toContain('BROKER_URL');
      const msgs = logLines(logs()).map((l) => l.msg);
      expect(msgs.indexOf('listening')).toBeLessThan(msgs.indexOf(NOT_SUBSCRIBED));
      const check = spawnSync(process.execPath, ['dist/src/health-check.js'], { cwd: join(tmp, 'services/ledger'), env: { ...process.env, PORT: String(port) }, encoding: 'utf8' });
      expect(check.status, check.stderr + logs()).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, logs()).toBe(0);
  }, 60_000);
});
