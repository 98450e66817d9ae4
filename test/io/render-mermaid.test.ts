import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium, NoChromium, renderMermaid, renderMermaidMany } from '../../src/io/render-mermaid.js';
import { toMermaid } from '../../src/model/mermaid.js';
import { parseBlueprint } from '../../src/model/parse.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const r = parseBlueprint(readFileSync(join(ROOT, 'blueprints/quantchat.yaml'), 'utf8'), 'quantchat.yaml');
if (!r.ok) throw new Error('invalid bundled blueprint');
const qc = r.blueprint;
const CHROMIUM = existsSync('/usr/bin/chromium');

describe('finding Chromium', () => {
  it('CHROMIUM_PATH wins, and a path that does not exist means no Chromium', () => {
    expect(findChromium({ CHROMIUM_PATH: '/nonexistent/chromium' })).toBeUndefined();
    expect(findChromium({ CHROMIUM_PATH: process.execPath, PUPPETEER_EXECUTABLE_PATH: '/nonexistent' })).toBe(process.execPath);
    expect(findChromium({ PUPPETEER_EXECUTABLE_PATH: process.execPath })).toBe(process.execPath);
  });

  it('rendering without Chromium fails with NoChromium and a one-line message', async () => {
    const saved = process.env.CHROMIUM_PATH;
    process.env.CHROMIUM_PATH = '/nonexistent/chromium';
    try {
      const e = await renderMermaid('flowchart LR\n  a --> b', 'svg').catch((x: unknown) => x);
      expect(e).toBeInstanceOf(NoChromium);
      expect((e as Error).message).toBe('no Chromium at /nonexistent/chromium (from CHROMIUM_PATH/PUPPETEER_EXECUTABLE_PATH); rendering svg needs one');
    } finally {
      if (saved === undefined) delete process.env.CHROMIUM_PATH;
      else process.env.CHROMIUM_PATH = saved;
    }
  });
});

describe('rendering with real Chromium', () => {
  it.skipIf(!CHROMIUM)(`renders a flowchart and a sequence diagram to SVG${CHROMIUM ? '' : ' — SKIPPED: /usr/bin/chromium is absent'}`, async () => {
    const flow = await renderMermaid(toMermaid(qc, 'proposed-7'), 'svg');
    expect(flow.startsWith('<svg')).toBe(true);
    expect(flow).toContain('aria-roledescription="flowchart');
    for (const name of ['contact-service', 'message-db', 'rabbitmq broker']) expect(flow).toContain(name);
    const seq = await renderMermaid(toMermaid(qc, 'strangler-relay', { operation: 'relay.pending' }), 'svg');
    expect(seq).toContain('aria-roledescription="sequence"');
    expect(seq).toContain('relay-service');
    expect(seq).toContain('GET /api/v1/relay/pending/{userId}');
  });

  it.skipIf(!CHROMIUM)(`the same diagram renders to the same bytes (its Client stadium's rough strokes seeded)${CHROMIUM ? '' : ' — SKIPPED: /usr/bin/chromium is absent'}`, async () => {
    const text = toMermaid(qc, 'monolith');
    expect(text).toContain('([Client])');
    const [a, b] = await renderMermaidMany([text, text], 'svg');
    expect(a === b, "two renderings of one diagram differ").toBe(true);
  });

  it.skipIf(!CHROMIUM)(`renders PNG bytes${CHROMIUM ? '' : ' — SKIPPED: /usr/bin/chromium is absent'}`, async () => {
    const png = await renderMermaid(toMermaid(qc, 'monolith'), 'png');
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.length).toBeGreaterThan(1000);
  });
});
