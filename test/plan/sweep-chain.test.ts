// A `next:` chain from --from that does not reach --to: the plan goes straight to the target and
// says so (it said "declared `next:` chain" and nothing else). A chain that loops is refused when
// the blueprint loads (test/model/next-cycle.test.ts).
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { BAKERY } from './sweep-fixtures.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';

/** BAKERY with a layout `mid` between monolith and micro (monolith's next: mid), `midNext` its own next: line if any. */
const withMid = (midNext: string) =>
  BAKERY.replace('    next: micro\n', '    next: mid\n').replace(
    '  micro:\n',
    `  mid:
${midNext}    gateway: { kind: kong, instance: gw, port: 8000 }
    units:
      core: { domains: [orders, billing, notify], port: 8001, instance: small }
      oven-svc: { domains: [ovens], port: 8002, instance: small }
    datastores:
      main: { engine: postgres, instance: pg, tables: [orders, order_lines, invoices] }
      oven-db: { engine: postgres, instance: pg, tables: [ovens] }
  micro:
`,
  );

describe('plan: a declared chain that does not reach the target', () => {
  it('is named in the plan notes, and the phases go to the target directly', () => {
    const text = withMid('');
    const p = plan(bp(text), { from: 'monolith', to: 'micro', start: '2026-01-05' }).plan;
    expect(p.chain).toEqual(['monolith', 'micro']);
    expect(p.notes).toContain('the declared next: chain from monolith (monolith → mid) does not reach micro: the phases go from monolith to micro directly');
  });
});

describe('plan markdown: the header says how the phases were cut', () => {
  const header = (text: string, o: { from: string; to: string; mode?: 'auto' | 'unit' | 'declared' }) => renderPlanMarkdown(plan(bp(text), { ...o, start: '2026-01-05' }).plan).split('\n')[2]!;

  it('auto with no next: layouts between --from and --to: one unit per phase, no declared chain claimed', () => {
    const h = header(BAKERY.replace('    next: micro\n', ''), { from: 'monolith', to: 'micro' });
    expect(h).toContain('(no `next:` layouts between monolith and micro: one unit per phase)');
    expect(h).not.toContain('declared');
  });

  it('auto along a declared chain through a middle layout: the chain named', () => {
    const text = withMid('    next: micro\n');
    expect(header(text, { from: 'monolith', to: 'micro' })).toContain('(declared `next:` chain monolith → mid → micro, steps that build several ungated units split per unit)');
    expect(header(text, { from: 'monolith', to: 'micro', mode: 'declared' })).toContain('(one phase per declared layout)');
    expect(header(text, { from: 'monolith', to: 'micro', mode: 'unit' })).toContain('(one unit per phase)');
  });
});
