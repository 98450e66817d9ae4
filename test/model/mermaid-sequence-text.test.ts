// A sequence diagram shows an event's name as typed. Mermaid reads a message up to the first #
// (a comment) or ; (a statement separator), so a sweep saw "e#x" drawn as "eno. x", "e;x" as
// "e,x", "e#59;x" as "eno. 59,x" and "e&amp;x" as "e&amp,x". They are written as Mermaid's #…;
// codes now: exactly (the text), through Mermaid's own parser (in node), and rendered (Chromium).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { renderMermaid } from '../../src/io/render-mermaid.js';
import { toMermaid } from '../../src/model/mermaid.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

const q = (s: string) => JSON.stringify(s);
const CHROMIUM = existsSync('/usr/bin/chromium');

/** a.read (unit a-svc) emits each event; b.on (unit b-svc) consumes them through the broker. */
function blueprint(events: string[]): Blueprint {
  const r = parseBlueprint(
    `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ev }
system:
  domains:
    a:
      operations:
        read: { route: GET /a, cpu: 1ms, emits: [${events.map(q).join(', ')}] }
    b:
      operations:
        on: { internal: true, cpu: 1ms }
  events:
${events.map((e) => `    ${q(e)}: { consumers: [b.on] }`).join('\n')}
layouts:
  two:
    broker: { kind: rabbitmq }
    units:
      a-svc: { domains: [a], port: 8001 }
      b-svc: { domains: [b], port: 8002 }
`,
    'ev.yaml',
  );
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message}`).join('\n'));
  return r.blueprint;
}

// name → its text in a message
const CASES: [string, string][] = [
  ['e#x', 'e#35;x'],
  ['e;x', 'e#59;x'],
  // an entity typed in the name shows as typed: its # and ; are codes themselves
  ['e#59;x', 'e#35;59#59;x'],
  ['e&amp;x', 'e#38;amp#59;x'],
  ['<script>', '#lt;script#gt;'],
  // Mermaid drops the last ; of a line where "style" precedes ":…#" (its `style x fill:#f00;`
  // clean-up), which would cut the final #59;: the : is a code too
  ['style:#q;', 'style#58;#35;q#59;'],
];

const names = CASES.map(([n]) => n);
const seq = (events: string[]) => toMermaid(blueprint(events), 'two', { operation: 'a.read' });

describe('sequence diagram: an event name shows as typed', () => {
  it.each(CASES)('%s: its messages, exactly', (name, shown) => {
    const lines = seq([name]).split('\n');
    expect(lines.filter((l) => l.includes('mq_broker:') || l.startsWith('  mq_broker-)'))).toEqual([`  u_a_svc-)mq_broker: publish ${shown}`, `  mq_broker-)u_b_svc: ${shown} → b.on`]);
  });

  it("Mermaid's parser reads each message whole: decoded, it is the name", async () => {
    // mermaid's sequence parser runs in node (as in hostile-names.test.ts)
    const { default: mermaid } = await import('mermaid');
    const text = seq(names);
    await mermaid.parse(text);
    const d = await mermaid.mermaidAPI.getDiagramFromText(text);
    const messages = (d.db as unknown as { getMessages(): { message?: string }[] }).getMessages().map((m) => m.message ?? '');
    // Mermaid hides each #…; as a placeholder while it parses; the renderer shows the character.
    const NAMED: Record<string, string> = { lt: '<', gt: '>' };
    const shown = (m: string) => m.replace(/\ufb02\u00b0\u00b0(\d+)\u00b6\u00df/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/\ufb02\u00b0(\w+)\u00b6\u00df/g, (_, n: string) => NAMED[n]!);
    const published = messages.filter((m) => m.startsWith('publish ')).map(shown);
    expect(published).toEqual(names.map((n) => `publish ${n}`));
    expect(messages.filter((m) => m.endsWith(' → b.on')).map(shown)).toEqual(names.map((n) => `${n} → b.on`));
  });

  it.skipIf(!CHROMIUM)(`rendered to SVG, each message's text is the name${CHROMIUM ? '' : ' — SKIPPED: /usr/bin/chromium is absent'}`, async () => {
    const svg = await renderMermaid(seq(names), 'svg');
    const xml = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
    const texts = [...svg.matchAll(/class="messageText"[^>]*>([^<]*)</g)].map((m) => xml(m[1]!));
    expect(texts.filter((t) => t.startsWith('publish '))).toEqual(names.map((n) => `publish ${n}`));
  }, 60_000);
});

describe('event names: blank is refused at validate, positioned', () => {
  const withEvent = (key: string) =>
    parseBlueprint(
      `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ev }
system:
  domains:
    a:
      operations:
        read: { route: GET /a, cpu: 1ms }
  events:
    ${q(key)}: { consumers: [a.read] }
layouts:
  one:
    units: { u: { domains: "*", port: 8000 } }
`,
      'ev.yaml',
    );

  it.each([' ', '   ', '\n', '\t \u00a0', ''])('%j', (key) => {
    const r = withEvent(key);
    expect(r.ok).toBe(false);
    expect(r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col} ${e.message}`)).toEqual([`10:5 invalid name ${q(key)}: an event name needs a character other than spaces`]);
  });

  it('any other text stays a name (spaces inside, dots, other scripts)', () => {
    for (const key of ['order placed', ' padded ', 'message.sent', 'é⚡', 'e#59;x']) {
      const r = withEvent(key);
      expect(r.ok ? [] : r.errors.map((e) => e.message)).toEqual([]);
    }
  });
});

describe('flowchart: an event name on an edge shows as typed', () => {
  // The same clean-up of Mermaid's cut the last ; of a flowchart line whose label held "style" and
  // ":…#": the # became #35; and its ; went. The : before a # is a code in labels too.
  it('style:#q; keeps its last ;: the text, and rendered', async () => {
    const text = toMermaid(blueprint(['style:#q;']), 'two');
    expect(text.split('\n').filter((l) => l.includes('style'))).toEqual(['  u_a_svc -.->|"style#58;#35;q;"| mq_broker', '  mq_broker -.->|"style#58;#35;q;"| u_b_svc']);
    if (!CHROMIUM) return;
    const svg = await renderMermaid(text, 'svg');
    expect(svg.match(/style:#q;/g)?.length).toBe(2);
  }, 60_000);
});
