// The extraction order's "why" names each table to move with its engine, and the engine it goes
// to when that is another one (a move from PostgreSQL to MySQL is not a copy between two of the
// same): it said only the source engine, so a cross-engine move read as a same-engine one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { plan } from '../../src/plan/index.js';

const YAML = readFileSync(new URL('../fixtures/plan/consolidate.yaml', import.meta.url), 'utf8');

describe('extraction order: tables to move', () => {
  const whyOf = (yaml: string, unit: string) => {
    const r = parseBlueprint(yaml, 'consolidate.yaml');
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
    return plan(r.blueprint, { from: 'micro', to: 'merged', start: '2026-01-05' }).plan.order.find((o) => o.unit === unit)!.why;
  };

  it('same engine: the engine alone', () => {
    expect(whyOf(YAML, 'core')).toContain('2 tables to move (a1: postgres, b1: postgres)');
  });

  it('another engine: from → to', () => {
    expect(whyOf(YAML.replace('core-db: { engine: postgres', 'core-db: { engine: mysql'), 'core')).toContain('2 tables to move (a1: postgres → mysql, b1: postgres → mysql)');
  });
});
