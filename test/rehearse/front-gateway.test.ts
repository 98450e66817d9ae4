// The gateway a rehearsal puts in front of a layout without one (src/rehearse/front-gateway.ts):
// on the port the plan's phases give theirs, so its note is true, or on a free one, saying why.
import { describe, expect, it } from 'vitest';
import { frontGateway } from '../../src/rehearse/front-gateway.js';
import { bp } from '../simulate/helpers.js';

/** "one" (a single unit on `onePort`, no gateway) and "two" (a and b split, the gateway given). */
function blueprint(o: { onePort: number; twoGateway?: string; bPort?: number }) {
  return bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: fg }
system:
  domains:
    a: { tables: [ta], operations: { get: { route: GET /a, cpu: 1ms } } }
    b: { tables: [tb], operations: { get: { route: GET /b, cpu: 1ms } } }
layouts:
  one:
    units: { all: { domains: "*", port: ${o.onePort} } }
    datastores: { db: { engine: postgres, tables: "*" } }
  two:
${o.twoGateway ? `    gateway: ${o.twoGateway}\n` : ''}    units: { ua: { domains: [a], port: 9001 }, ub: { domains: [b], port: ${o.bPort ?? 9002} } }
    datastores: { db: { engine: postgres, tables: "*" } }
`);
}
const plan = { from: 'one', phases: [{ layout: 'two' }] } as Parameters<typeof frontGateway>[1];

describe('frontGateway', () => {
  it("takes the port the plan's first routed phase gives its gateway, and says so", () => {
    const b = blueprint({ onePort: 8000, twoGateway: '{ kind: nginx, port: 8443 }' });
    expect(frontGateway(b, plan, 0)).toEqual({ port: 8443, note: "one has no gateway: the rehearsal puts one in front on port 8443, where the plan's first routed phase puts its gateway" });
    expect(frontGateway(b, plan, 100)).toEqual({ port: 8543, note: "one has no gateway: the rehearsal puts one in front on port 8543 (8443 + the port offset 100), where the plan's first routed phase puts its gateway" });
  });

  it("moves off the phase's port when a unit of the plan listens there, and names it (the layout it starts from included)", () => {
    // "all" of the layout it starts from keeps 8000 while the phase's gateway would take it.
    const b = blueprint({ onePort: 8000, twoGateway: '{ kind: nginx, port: 8000 }' });
    expect(frontGateway(b, plan, 0)).toEqual({ port: 8001, note: "one has no gateway: the rehearsal puts one in front on port 8001, not on 8000, where the plan's first routed phase puts its gateway: a unit of the plan listens there" });
    // a phase's unit on the port: the same
    const c = blueprint({ onePort: 7000, twoGateway: '{ kind: nginx, port: 9002 }', bPort: 9002 });
    expect(frontGateway(c, plan, 0)?.port).toBe(8000);
  });

  it('without a gateway in any phase: the first free port from 8000 (not the unit\'s of the layout it starts from)', () => {
    const b = blueprint({ onePort: 8000 });
    expect(frontGateway(b, { from: 'one', phases: [{ layout: 'one' }, { layout: 'two' }] } as typeof plan, 0)).toEqual({
      port: 8001,
      note: 'one has no gateway: the rehearsal puts one in front on port 8001, no phase of the plan has a gateway whose port it could match',
    });
  });

  it('nothing when the layout it starts from has a gateway', () => {
    const b = blueprint({ onePort: 8000, twoGateway: '{ kind: nginx, port: 8443 }' });
    expect(frontGateway(b, { from: 'two', phases: [{ layout: 'one' }] } as typeof plan, 0)).toBeUndefined();
  });
});
