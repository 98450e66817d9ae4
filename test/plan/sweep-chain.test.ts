// A `next:` chain from --from that does not reach --to: the plan goes straight to the target and
// says so (it said "declared `next:` chain" and nothing else). A chain that loops is refused when
// the blueprint loads (test/model/next-cycle.test.ts).
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { plan } from '../../src/plan/index.js';
import { BAKERY } from './sweep-fixtures.js';

describe('plan: a declared chain that does not reach the target', () => {
  it('is named in the plan notes, and the phases go to the target directly', () => {
    const text = BAKERY.replace('    next: micro\n', '    next: mid\n').replace(
      '  micro:\n',
      `  mid:
    gateway: { kind: kong, instance: gw, port: 8000 }
    units:
      core: { domains: [orders, billing, notify], port: 8001, instance: small }
      oven-svc: { domains: [ovens], port: 8002, instance: small }
    datastores:
      main: { engine: postgres, instance: pg, tables: [orders, order_lines, invoices] }
      oven-db: { engine: postgres, instance: pg, tables: [ovens] }
  micro:
`,
    );
    const p = plan(bp(text), { from: 'monolith', to: 'micro', start: '2026-01-05' }).plan;
    expect(p.chain).toEqual(['monolith', 'micro']);
    expect(p.notes).toContain('the declared next: chain from monolith (monolith → mid) does not reach micro: the phases go from monolith to micro directly');
  });
});
