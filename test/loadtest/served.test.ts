// The reference services run a blueprint only when they serve every one of its operations: a
// blueprint with their domain names but other routes or operations used to start, and `up`
// then answered the reference routes, not the blueprint's. Their modules' surfaces are read from
// the modules themselves (routes registered on a throwaway Fastify), here from the source.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { checkServed, unservedOperations, UnsupportedSystemError } from '../../src/loadtest/layout-run.js';
import { checkRehearsable } from '../../src/rehearse/runner.js';
import type { Blueprint } from '../../src/model/schema.js';
import { domainModules, moduleSurfaces } from '../../reference-services/launcher/under-test.js';

const qc = () => loadBlueprint('blueprints/quantchat.yaml').blueprint;
const edited = (f: (bp: Blueprint) => void) => {
  const bp = structuredClone(qc());
  f(bp);
  return bp;
};

describe('what the reference services serve', () => {
  it("reads each module's routes, internal handlers and consumers", async () => {
    const s = await moduleSurfaces(domainModules);
    expect(Object.keys(s)).toEqual(Object.keys(domainModules));
    expect(s.users!.routes).toContain('GET /api/v1/users/:id');
    expect(s.realtime!.routes).toEqual(['GET /ws']);
    expect(s.auth!.internal).toEqual(['verify-token', 'create-user', 'user-exists']);
    expect(s.realtime!.consumers).toEqual(['broadcast', 'broadcast-group']);
  });

  it('every operation of QuantChat, and a route whose parameter is named otherwise', async () => {
    const s = await moduleSurfaces(domainModules);
    expect(unservedOperations(qc(), s)).toEqual([]);
    const renamed = edited((bp) => {
      bp.system.domains.users!.operations.get!.route!.path = '/api/v1/users/{userId}';
    });
    expect(unservedOperations(renamed, s)).toEqual([]);
  });

  it('hostile: the same domain names over other routes and operations are refused, each said once', async () => {
    const s = await moduleSurfaces(domainModules);
    const other = edited((bp) => {
      bp.system.domains.users!.operations.get!.route!.path = '/api/v1/people/{id}';
      bp.system.domains.messages!.operations.send!.route!.method = 'PUT';
      bp.system.domains.auth!.operations['drop-tables'] = { ...bp.system.domains.auth!.operations['verify-token']! };
      const ev = Object.values(bp.system.events)[0]!;
      (ev.consumers as string[]).push('groups.on-anything');
      bp.system.domains.groups!.operations['on-anything'] = { ...bp.system.domains.auth!.operations['verify-token']! };
    });
    expect(unservedOperations(other, s)).toEqual([
      'auth.drop-tables (an internal operation their auth module does not serve)',
      'users.get (GET /api/v1/people/{id}: no such route in their users module)',
      'messages.send (PUT /api/v1/messages/send: no such route in their messages module)',
      'groups.on-anything (an event consumer their groups module does not have)',
    ]);
    expect(() => checkServed(other, s)).toThrow(UnsupportedSystemError);
    expect(() => checkServed(other, s, 'do this instead')).toThrow(
      'the bundled reference services do not serve every operation of "quantchat": auth.drop-tables (an internal operation their auth module does not serve), users.get (GET /api/v1/people/{id}: no such route in their users module), messages.send (PUT /api/v1/messages/send: no such route in their messages module), groups.on-anything (an event consumer their groups module does not have); they would answer other routes than the blueprint\'s — do this instead',
    );
    expect(() => checkServed(qc(), s)).not.toThrow();
  });

  it('hostile: a domain named as a key every object has is one the services do not implement, not a crash', async () => {
    const s = await moduleSurfaces(domainModules);
    const odd = edited((bp) => {
      bp.system.domains['constructor' as string] = { ...bp.system.domains.auth!, tables: [] };
    });
    expect(unservedOperations(odd, s)).toEqual([]);
  });

  it('more than five: the first five and how many more', async () => {
    const s = await moduleSurfaces(domainModules);
    const many = edited((bp) => {
      for (const op of Object.values(bp.system.domains.users!.operations)) if (op.route) op.route.path = `/elsewhere${op.route.path}`;
    });
    const missing = unservedOperations(many, s);
    expect(missing).toHaveLength(7);
    expect(() => checkServed(many, s)).toThrow(/users\.add-contact \(POST \/elsewhere\/api\/v1\/contacts: no such route in their users module\) and 2 more; they would/);
  });

  it('rehearse refuses it the same way, naming what it can do instead', async () => {
    const other = edited((bp) => {
      bp.system.domains.users!.operations.get!.route!.path = '/api/v1/people/{id}';
    });
    await expect(checkRehearsable(other)).rejects.toThrow(
      'the bundled reference services do not serve every operation of "quantchat": users.get (GET /api/v1/people/{id}: no such route in their users module); they would answer other routes than the blueprint\'s — --dry-run prints the plan\'s steps without starting anything',
    );
    await expect(checkRehearsable(qc())).resolves.toBeUndefined();
  });
});
