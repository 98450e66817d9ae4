// The report command end to end: real CLI processes, real schema validation, a real GFM parser,
// real headless Chromium for the HTML.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archsim, ROOT } from '../helpers/cli.js';
import { reportJsonSchema, type Report } from '../../src/report/schema.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'archsim-report-'));
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

describe('archsim report', () => {
  for (const bp of ['quantchat', 'chatpop']) {
    it(`writes ${bp} in all three formats: valid JSON, GitHub markdown with tables and mermaid, self-contained HTML`, async () => {
      const dir = tmp();
      const r = archsim(['report', `blueprints/${bp}.yaml`, '--format', 'md,html,json', '--out', dir]);
      expect(r.stderr).not.toMatch(/internal error/);
      expect(r.code).toBe(0);
      const json = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
      const { Ajv2020 } = await import('ajv/dist/2020.js');
      const check = new Ajv2020({ strict: false, allErrors: true }).compile(reportJsonSchema());
      expect(check(json), JSON.stringify(check.errors?.slice(0, 3))).toBe(true);
      expect(json.layouts.map((l) => l.name)).toEqual(Object.keys((await import('yaml')).parse(readFileSync(join(ROOT, 'blueprints', `${bp}.yaml`), 'utf8')).layouts));

      const { marked } = await import('marked');
      const tokens = marked.lexer(readFileSync(join(dir, 'report.md'), 'utf8'), { gfm: true });
      const tables = tokens.filter((t) => t.type === 'table');
      expect(tables.length).toBeGreaterThanOrEqual(3);
      const mermaid = tokens.filter((t) => t.type === 'code' && (t as { lang?: string }).lang === 'mermaid');
      expect(mermaid).toHaveLength(json.layouts.length);
      expect((mermaid[0] as { text: string }).text).toMatch(/^(flowchart|graph) /);
      // The side-by-side table has one column per layout and a monthly cost row.
      const side = tables[0] as { header: { text: string }[]; rows: { text: string }[][] };
      expect(side.header.map((h) => h.text).slice(1)).toEqual(json.layouts.map((l) => l.name));
      expect(side.rows.some((row) => row[0]!.text === 'monthly cost')).toBe(true);

      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).not.toMatch(/<script|<link |src="http|href="http|@import/);
      if (CHROMIUM) expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(json.layouts.length + 2);
    });
  }

  it.skipIf(!CHROMIUM)('HTML renders in headless Chromium with no console errors and no network requests (screenshot kept in test-output/)', async () => {
    const dir = tmp();
    expect(archsim(['report', 'blueprints/quantchat.yaml', '--layouts', 'monolith,microservices', '--format', 'html', '--out', dir]).code).toBe(0);
    const puppeteer = (await import('puppeteer')).default;
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
      page.on('pageerror', (e) => problems.push(`page error: ${(e as Error).message}`));
      page.on('request', (req) => !req.url().startsWith('file:') && !req.url().startsWith('data:') && problems.push(`request: ${req.url()}`));
      await page.setViewport({ width: 1200, height: 900 });
      await page.goto(`file://${join(dir, 'report.html')}`, { waitUntil: 'load' });
      const stats = { tables: await page.$$eval('table', (x) => x.length), svgs: await page.$$eval('svg', (x) => x.length), h2: await page.$eval('h2', (x) => x.textContent).catch(() => undefined) };
      mkdirSync(join(ROOT, 'test-output'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-output', 'report-quantchat.png'), fullPage: true });
      expect(problems).toEqual([]);
      expect(stats.h2).toBe('archsim: QuantChat messaging app');
      expect(stats.tables).toBeGreaterThanOrEqual(3);
      expect(stats.svgs).toBeGreaterThanOrEqual(4);
    } finally {
      await browser.close();
    }
  });

  it('exits 1 on a broken budget, naming the figure, its limit and its value', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'budget.yaml'), 'layout: microservices\nbudgets:\n  - cost.monthly < 100 USD\n  - p95(messages.send) < 150ms\n');
    const r = archsim(['report', 'blueprints/quantchat.yaml', '--layouts', 'monolith,microservices', '--no-faults', '--budget', join(dir, 'budget.yaml')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('archsim: budget broken: cost.monthly < 100 USD in microservices: value $172 (limit < $100)');
    expect(r.stderr).not.toContain('p95(messages.send)');
    expect(r.stdout).toContain('❌ | `cost.monthly < 100 USD`');
    expect(r.stdout).toContain('✅ | `p95(messages.send) < 150ms`');
  });

  it('exits 2 with a positioned error for a malformed budget or baseline', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'budget.yaml'), 'budgets:\n  - p95(messages.send) <<< 150ms\n');
    const b = archsim(['report', 'blueprints/quantchat.yaml', '--no-faults', '--budget', join(dir, 'budget.yaml')]);
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toMatch(new RegExp(`^${join(dir, 'budget.yaml')}:2:5: budgets\\[0\\]: not a budget`));
    writeFileSync(join(dir, 'old.json'), '{\n  "schemaVersion": 1,\n  "layouts": "none"\n}\n');
    const base = archsim(['report', 'blueprints/quantchat.yaml', '--no-faults', '--baseline', join(dir, 'old.json')]);
    expect(base.code).toBe(2);
    expect(base.stderr).toMatch(new RegExp(`${join(dir, 'old.json')}:3:14: layouts: expected array`));
    expect(base.stderr).not.toMatch(/at .*\.js:\d+/);
  });

  it('baseline diffs are exact: one more replica and one more hop change exactly the figures they touch', () => {
    const dir = tmp();
    const before = join(dir, 'before.json');
    expect(archsim(['report', 'blueprints/quantchat.yaml', '--layouts', 'microservices', '--no-faults', '--format', 'json', '--out', join(dir, 'b')]).code).toBe(0);
    writeFileSync(before, readFileSync(join(dir, 'b', 'report.json')));
    // The change: message-service 3 → 4 replicas, and messages.send also calls media.resolve
    // (one more hop, to media-service, in the microservices layout).
    writeFileSync(
      join(dir, 'changed.yaml'),
      `extends: ${join(ROOT, 'blueprints/quantchat.yaml')}
system:
  domains:
    messages:
      operations:
        send: { calls: [auth.verify-token, users.check-contact, media.resolve] }
layouts:
  microservices:
    units:
      message-service: { replicas: 4 }
`,
    );
    const r = archsim(['report', join(dir, 'changed.yaml'), '--layouts', 'microservices', '--no-faults', '--baseline', before, '--format', 'json', '--out', join(dir, 'a'), '--allow-extends-anywhere']);
    expect(r.code).toBe(0);
    const after = JSON.parse(readFileSync(join(dir, 'a', 'report.json'), 'utf8')) as Report;
    const changes = after.baseline!.changes;
    const byFigure = new Map(changes.map((c) => [c.figure, c]));
    const old = JSON.parse(readFileSync(before, 'utf8')) as Report;
    const touched = new Set(['message-service', 'media-service']);
    // Operations whose path crosses a touched unit may change; every other figure must not.
    const mayChange = new Set(['replicas(message-service)', 'cost.monthly', 'cost.perMillion', 'hops(messages.send)']);
    for (const s of old.layouts[0]!.stations) mayChange.add(`utilization(${s.id})`);
    for (const o of old.layouts[0]!.operations) {
      if (o.units.some((u) => touched.has(u)) || o.id === 'messages.send') {
        for (const f of ['mean', 'p50', 'p95', 'p99', 'throughput']) mayChange.add(`${f}(${o.id})`);
      }
    }
    const unexpected = changes.filter((c) => !mayChange.has(c.figure)).map((c) => c.text);
    expect(unexpected).toEqual([]);
    // And the changes that must be there, exactly.
    expect(byFigure.get('replicas(message-service)')!.text).toBe('replicas(message-service) +1 (+33.3%)');
    expect(byFigure.get('cost.monthly')!.text).toBe('cost.monthly +$6 (+3.5%)');
    expect(byFigure.get('cost.monthly')!.causes).toEqual(['message-service replicas 3 → 4']);
    expect(byFigure.get('hops(messages.send)')!.before).toBe(old.layouts[0]!.operations.find((o) => o.id === 'messages.send')!.hops);
    expect(byFigure.get('hops(messages.send)')!.delta).toBe(1);
    const send = byFigure.get('mean(messages.send)')!;
    expect(send.delta!).toBeGreaterThan(0);
    expect(send.causes[0]).toMatch(/^messages\.send: 1 network hop added/);
    expect(byFigure.has('utilization(media-service)')).toBe(true);
    expect(byFigure.get('utilization(message-service)')!.delta!).toBeLessThan(0);
    // Operations that never meet the touched units are untouched.
    for (const id of ['auth.login', 'relay.pending', 'users.search']) expect(changes.some((c) => c.figure.includes(`(${id})`))).toBe(false);
  });

  it('shows load-test results beside the predictions, and rejects a malformed one at its position', () => {
    const fixture = join(ROOT, 'test/fixtures/loadtest/quantchat-monolith-result.json');
    const measured = JSON.parse(readFileSync(fixture, 'utf8'));
    const send = measured.operations.find((o: { id: string }) => o.id === 'messages.send');
    const r = archsim(['report', 'blueprints/quantchat.yaml', '--layouts', 'monolith', '--no-faults', '--loadtest', fixture]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### Measured (load tests)');
    expect(r.stdout).toContain(`| monolith | embedded | messages.send | ${Math.round(send.throughput)}/s | ${Math.round(send.latency.p50 * 100) / 100} ms |`);
    const dir = tmp();
    writeFileSync(join(dir, 'bad.json'), '{\n  "schemaVersion": 1,\n  "run": 3\n}\n');
    const bad = archsim(['report', 'blueprints/quantchat.yaml', '--no-faults', '--loadtest', join(dir, 'bad.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${join(dir, 'bad.json')}:3:10: run: expected object, got a number`);
    // a run of this blueprint whose operation or layout it no longer has: refused where it stands
    const renamed = structuredClone(measured);
    const k = renamed.operations.findIndex((o: { id: string }) => o.id === 'messages.send');
    renamed.operations[k].id = 'messages.post';
    writeFileSync(join(dir, 'renamed.json'), JSON.stringify(renamed, null, 2));
    const stale = archsim(['report', 'blueprints/quantchat.yaml', '--no-faults', '--loadtest', join(dir, 'renamed.json')]);
    expect(stale.code).toBe(2);
    expect(stale.stderr.trim().split('\n')).toHaveLength(1);
    expect(stale.stderr).toMatch(/renamed\.json:\d+:\d+: operations\[\d+\]\.id: operation "messages\.post" is not in quantchat \(did you mean "messages\.[a-z-]+"\?\): a result of another version of the blueprint\?/);
    const gone = { ...structuredClone(measured), run: { ...measured.run, layout: 'monolithic' } };
    writeFileSync(join(dir, 'gone.json'), JSON.stringify(gone, null, 2));
    const layout = archsim(['report', 'blueprints/quantchat.yaml', '--no-faults', '--loadtest', join(dir, 'gone.json')]);
    expect(layout.code).toBe(2);
    expect(layout.stderr).toMatch(/gone\.json:\d+:\d+: run\.layout: this load test ran layout "monolithic", which quantchat does not have \(did you mean "monolith"\?\)/);
  });
});
