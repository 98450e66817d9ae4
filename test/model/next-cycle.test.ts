// A `next:` chain that comes back to a layout already on it never reaches a last layout; validate
// took it (monolith → mid → monolith) and `archsim plan` then said it followed the declared chain
// while it went straight to the target. Refused where the loader checks `next:` already
// (semantics.ts: an unknown layout), positioned at the `next` that closes the cycle, once.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';

const text = (nexts: Record<string, string>) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: chain }
system:
  domains:
    a: { tables: [t], operations: { op: { route: GET /a, cpu: 1ms } } }
layouts:
${['one', 'two', 'three']
  .map((l) => `  ${l}:
    units: { u: { domains: "*", port: 8000 } }
    datastores: { db: { engine: postgres, tables: "*" } }${nexts[l] ? `\n    next: ${nexts[l]}` : ''}`)
  .join('\n')}
`;

const errors = (nexts: Record<string, string>) => {
  const r = parseBlueprint(text(nexts), 'chain.yaml');
  return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col} ${e.message}`);
};

describe('validate: the next: chain', () => {
  it('a cycle is one error, at the next that closes it', () => {
    expect(errors({ one: 'two', two: 'one' })).toEqual(['15:11 the next: chain comes back to "one" (one → two → one) and never ends; the last layout of a chain has no next']);
    expect(errors({ one: 'two', two: 'three', three: 'two' })).toEqual(['19:11 the next: chain comes back to "two" (two → three → two) and never ends; the last layout of a chain has no next']);
    expect(errors({ two: 'two' })).toEqual(['14:11 the next: chain comes back to "two" (two → two) and never ends; the last layout of a chain has no next']);
  });

  it('a chain that ends is fine', () => {
    expect(errors({ one: 'two', two: 'three' })).toEqual([]);
  });
});
