// Free text from a blueprint (event names, titles, descriptions, keys) in the three places where
// it could act rather than be shown: Mermaid text (a new statement, a comment, a directive, a
// closed Markdown fence), generated source (bidi controls reordering code as displayed: Trojan
// Source) and the terminal (escape sequences moving the cursor, writing the clipboard, hiding
// links). Each rule has a hostile example; each example was reproduced against the CLI first.
import { createElement } from 'react';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { ChecklistView } from '../../src/cli/views/checklist.js';
import { LoadTestProgress } from '../../src/cli/views/loadtest-progress.js';
import { progressLine } from '../../src/cli/views/progress-line.js';
import { commentText, markdownText, tsString } from '../../src/generate/escape.js';
import { generate } from '../../src/generate/index.js';
import { checklist } from '../../src/model/checklist.js';
import { formatDiagnostic, formatPath, terminalText } from '../../src/model/diagnostics.js';
import { toMermaid } from '../../src/model/mermaid.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

const q = (s: string) => JSON.stringify(s);

/** The shop of /tmp/sweep-hostile/t5: orders.create emits evA and a second event, named by the test. */
function shop(second: string): Blueprint {
  const r = parseBlueprint(
    `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop, title: Shop }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        create: { route: POST /api/orders, cpu: 2ms, db: { writes: 1 }, calls: [billing.charge], emits: [evA, ${q(second)}] }
        get: { route: "GET /api/orders/{id}", cpu: 1ms, db: { reads: 1 } }
    billing:
      tables: [invoices]
      operations:
        charge: { internal: true, cpu: 1ms, db: { writes: 1 } }
        notify: { internal: true, cpu: 1ms }
  events:
    evA: { consumers: [billing.notify] }
    ${q(second)}: { consumers: [billing.notify] }
layouts:
  split:
    gateway: { kind: traefik, port: 8080 }
    broker: { kind: rabbitmq }
    units:
      orders-svc: { domains: [orders], port: 8001, instance: small }
      billing-svc: { domains: [billing], port: 8002, instance: small }
    datastores: { db: { engine: postgres, instance: small, tables: "*" } }
workload: { rate: 50/s, duration: 10s, mix: { orders.create: 1, orders.get: 3 } }
catalog:
  small: { vcpu: 1, memoryMiB: 1024, usdPerMonth: $10 }
`,
    'bp.yaml',
  );
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
}

// Hostile event names and the one-line text each must become: in a flowchart label (entities
// #35; #37; #96; and HTML &lt; &gt;) and in a sequence message (# ; & < > are #35; #59; #38; #lt; #gt;).
// Every break (\n, \r, U+0085, U+2028/9, C0, bidi) becomes one space.
const HOSTILE: { name: string; event: string; label: string; message: string }[] = [
  // t7: a new line and a comment: report --format html and graph --format svg failed to parse.
  { name: 'newline then %% comment', event: 'ev2\n%% comment', label: 'ev2 #37;% comment', message: 'ev2 #37;% comment' },
  // t5: \r is a new line to Mermaid: an injected note and message in the sequence diagram.
  {
    name: '\\r then a note and a message',
    event: 'ev2\r  Note over u_billing_svc: INJECTED\r  u_billing_svc->>db_db: DROP TABLE invoices',
    label: 'ev2   Note over u_billing_svc: INJECTED   u_billing_svc-&gt;&gt;db_db: DROP TABLE invoices',
    message: 'ev2   Note over u_billing_svc: INJECTED   u_billing_svc-#gt;#gt;db_db: DROP TABLE invoices',
  },
  // t6: \r then "end" closes the sequence diagram's loop or the flowchart's subgraph.
  { name: '\\r then end', event: 'ev2\r  end', label: 'ev2   end', message: 'ev2   end' },
  // t2: a fence of three backticks ends the report's ```mermaid block; a directive restyles.
  {
    name: 'fence, heading, HTML and an init directive',
    event: "ev2\n```\n<img src=x>\n## H\n%%{init: {'theme':'dark'}}%%",
    label: "ev2 #96;#96;#96; &lt;img src=x&gt; #35;#35; H #37;%{init: {'theme'#58;'dark'}}#37;%",
    // (a : with a # after it in the same word is #58;: see text() in mermaid.ts)
    message: "ev2 #96;#96;#96; #lt;img src=x#gt; #35;#35; H #37;%{init: {'theme'#58;'dark'}}#37;%",
  },
  // The other line ends: NEL, LINE and PARAGRAPH SEPARATOR, vertical tab, form feed.
  { name: 'U+0085, U+2028, U+2029, VT, FF', event: 'ev2\u0085end\u2028end\u2029end\u000bend\u000cend', label: 'ev2 end end end end end', message: 'ev2 end end end end end' },
  // Bidi controls: the label would read in another order than it is.
  { name: 'bidi override and isolate', event: 'ev2\u202eend\u2066x\u2069', label: 'ev2 end x ', message: 'ev2 end x ' },
  // An entity typed by the user shows as typed, not as the character it names.
  { name: 'an entity in the name', event: 'ev2#quot;', label: 'ev2#35;quot;', message: 'ev2#35;quot#59;' },
];

describe('Mermaid: free text stays inside its statement', () => {
  // The same blueprint with a plain second event: its diagrams, line for line, are the expected
  // ones once "ev2" is replaced by the escaped hostile name.
  const benignFlow = toMermaid(shop('ev2'), 'split');
  const benignSeq = toMermaid(shop('ev2'), 'split', { operation: 'orders.create' });

  it('the benign diagrams draw ev2 once per edge and message (the baseline below)', () => {
    expect(benignFlow.split('\n').filter((l) => l.includes('ev2'))).toEqual(['  u_orders_svc -.->|"ev2, evA"| mq_broker', '  mq_broker -.->|"ev2, evA"| u_billing_svc']);
    expect(benignSeq.split('\n').filter((l) => l.includes('ev2'))).toEqual(['  u_orders_svc-)mq_broker: publish ev2', '  mq_broker-)u_billing_svc: ev2 → billing.notify']);
  });

  it.each(HOSTILE)('$name: the flowchart is the benign one with the name escaped on its edge lines', ({ event, label }) => {
    const out = toMermaid(shop(event), 'split');
    expect(out).toBe(benignFlow.replaceAll('"ev2, evA"', `"${label}, evA"`));
    expect(out.split('\n')).toHaveLength(benignFlow.split('\n').length);
  });

  it.each(HOSTILE)('$name: the sequence diagram is the benign one with the name escaped in its messages', ({ event, message }) => {
    const out = toMermaid(shop(event), 'split', { operation: 'orders.create' });
    expect(out).toBe(benignSeq.replace('publish ev2\n', `publish ${message}\n`).replace('ev2 → billing.notify', `${message} → billing.notify`));
    expect(out.split('\n')).toHaveLength(benignSeq.split('\n').length);
  });

  it('no text of any hostile diagram holds a break, a %% or a backtick', () => {
    for (const { event } of HOSTILE) {
      for (const out of [toMermaid(shop(event), 'split'), toMermaid(shop(event), 'split', { operation: 'orders.create' })]) {
        // \n only as the statement separator, so no line is empty and none ends the text early.
        expect(out.split('\n').slice(0, -1).filter((l) => l.trim() === '')).toEqual([]);
        expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/);
        expect(out).not.toContain('%%');
        expect(out).not.toContain('`');
      }
    }
  });

  it("Mermaid's own parser sees exactly the benign sequence diagram's messages (no injected note or message)", async () => {
    // mermaid's sequence parser runs in node (its flowchart parser needs a DOM for DOMPurify).
    const { default: mermaid } = await import('mermaid');
    const messages = async (text: string) => {
      await mermaid.parse(text);
      const d = await mermaid.mermaidAPI.getDiagramFromText(text);
      return (d.db as unknown as { getMessages(): { from?: string; to?: string; type?: number }[] }).getMessages().map((m) => `${m.from}->${m.to}:${m.type}`);
    };
    const benign = await messages(benignSeq);
    expect(benign).toHaveLength(18);
    for (const { event } of HOSTILE) expect(await messages(toMermaid(shop(event), 'split', { operation: 'orders.create' }))).toEqual(benign);
  });
});

describe('generated source: no bidi control (Trojan Source)', () => {
  const RLO = '\u202e';
  const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

  it('commentText turns bidi controls, C1 and DEL into spaces', () => {
    expect(commentText(`Orders ${RLO}} ;)(live\u2066 \u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068\u2069 end`)).toBe('Orders } ;)(live end');
    expect(commentText('a\u009bb\u0080c\u007fd')).toBe('a b c d');
    expect(markdownText(`t${RLO}x`)).toBe('t x');
  });

  it('tsString writes bidi controls, C1 and DEL as \\u escapes (the same string when run)', () => {
    expect(tsString(`a${RLO}b\u2066c\u200fd\u061ce\u009bf\u007fg\u2028h`)).toBe('"a\\u202eb\\u2066c\\u200fd\\u061ce\\u009bf\\u007fg\\u2028h"');
    expect(JSON.parse(tsString(`a${RLO}b`))).toBe(`a${RLO}b`);
  });

  it('a domain description holding U+202E reaches no generated file with it', () => {
    const bp = shop('ev2');
    bp.system.domains.orders!.description = `Orders ${RLO}; // } evil() {`;
    const files = generate('all', bp, 'split', { withDatastores: true });
    expect(files.filter((f) => BIDI.test(f.content)).map((f) => f.path)).toEqual([]);
    const contract = files.find((f) => f.path.endsWith('contracts/orders.ts'));
    expect(contract?.content.split('\n').filter((l) => l.includes('Orders '))).toEqual(['// The contract of the orders domain: Orders ; // } evil() {.']);
  });
});

describe('terminal: user text printed escaped, one line', () => {
  // The event key of /tmp/sweep-hostile/ansi/bad.yaml: colour, OSC 52 (clipboard write), OSC 8
  // (hidden link), a one-byte CSI (U+009B), then \r and "erase line" to fake a clean result.
  const E = (t: string) => `${t}\u001b[31mRED\u001b[0m\u001b]52;c;cHduZWQ=\u0007\u001b]8;;https://evil.example\u0007LINK\u001b]8;;\u0007\u009b31m\r\u001b[2KFAKE-OK`;
  const SHOWN = (t: string) => `${t}\\x1b[31mRED\\x1b[0m\\x1b]52;c;cHduZWQ=\\x07\\x1b]8;;https://evil.example\\x07LINK\\x1b]8;;\\x07\\x9b31m\\r\\x1b[2KFAKE-OK`;
  const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;

  it('terminalText escapes C0, DEL, C1, line separators and bidi controls, and keeps the rest', () => {
    expect(terminalText(E('ev'))).toBe(SHOWN('ev'));
    expect(terminalText('a\nb\tc\u0000d\u007fe\u2028f\u2029g\u202eh\u2066i\u200ej\u061ck')).toBe('a\\nb\\tc\\x00d\\x7fe\\u2028f\\u2029g\\u202eh\\u2066i\\u200ej\\u061ck');
    expect(terminalText('plain × é → "q" \\ ok')).toBe('plain × é → "q" \\ ok');
  });

  it('formatPath escapes a hostile key, and its quotes and backslashes', () => {
    expect(formatPath(['system', 'events', E('ev'), 'consumers', 0])).toBe(`system.events["${SHOWN('ev')}"].consumers[0]`);
    expect(formatPath(['events', 'a"]\\b'])).toBe('events["a\\"]\\\\b"]');
  });

  it('validate: the error on a hostile event key is one line with no control byte', () => {
    const r = parseBlueprint(
      `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        create: { route: POST /api/orders, cpu: 2ms, emits: [${q(E('ev'))}] }
  events:
    ${q(E('ev'))}: { consumers: [orders.create2] }
layouts:
  mono:
    units: { app: { domains: "*", port: 8000 } }
    datastores: { db: { engine: postgres, tables: "*" } }
workload: { rate: 50/s, duration: 10s, mix: { orders.create: 1 } }
`,
      'bad.yaml',
    );
    expect(r.ok).toBe(false);
    const lines = r.ok ? [] : r.errors.map(formatDiagnostic);
    expect(lines).toEqual([`bad.yaml:11:151: system.events["${SHOWN('ev')}"].consumers[0]: consumer "orders.create2": unknown operation (did you mean "orders.create"?)`]);
    expect(lines.filter((l) => CONTROLS.test(l))).toEqual([]);
  });

  it('formatDiagnostic escapes the file name and the message too', () => {
    expect(formatDiagnostic({ file: 'a\rb.yaml', line: 1, col: 2, path: [], message: `unknown "${E('x')}"`, severity: 'error' })).toBe(`a\\rb.yaml:1:2: unknown "${SHOWN('x')}"`);
  });

  // ink wraps lines at its 100 columns: frames are compared with whitespace removed, after the
  // SGR styling ink adds itself (bold, dim) is taken out.
  const flat = (s: string) => s.replace(/\u001b\[[\d;]*m/g, '').replace(/\s+/g, '');

  it('checklist view: a hostile title and event name are shown escaped', () => {
    const result = checklist({ blueprint: shop(E('ev')), layout: 'split' });
    const { lastFrame, unmount } = render(createElement(ChecklistView, { items: result.items, title: E('title'), onDone: () => undefined }));
    const frame = lastFrame() ?? '';
    unmount();
    expect(flat(frame)).toContain(flat(`${SHOWN('title')} (seed 001 decision framework)`));
    expect(flat(frame)).toContain(flat(`(from the blueprint: 2 events declared (evA, ${SHOWN('ev')}), carried by rabbitmq in split)`));
    expect(frame.replace(/\u001b\[[\d;]*m/g, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it('load-test progress: a hostile label is shown escaped, as a plain line and in the live view', () => {
    const p = { elapsed: 3, total: 10, rate: 50, p95: 12.34, sent: 150, completed: 149, errors: 0, dropped: 0 };
    expect(progressLine(E('sys'), p as never)).toBe(`${SHOWN('sys')}: 3/10 s  rate 50/s  p95 12.3 ms  sent 150  errors 0`);
    const { lastFrame, unmount } = render(createElement(LoadTestProgress, { label: E('sys'), p: null }));
    const frame = lastFrame() ?? '';
    unmount();
    expect(flat(frame)).toBe(flat(`${SHOWN('sys')}: starting…`));
    expect(frame.replace(/\u001b\[[\d;]*m/g, '')).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });
});
