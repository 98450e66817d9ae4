// Acceptance (issue 17) in process: compare runs the hotel-reservation blueprint's automatic
// failure scenarios through the DES in every layout (about 3 s). Its own file so that the
// simulate folder's mutation runs can leave it out (scripts/mutation-folders.mjs): with the DES's
// files instrumented it took over a minute, run by every surviving mutant of the engine.
import { describe, expect, it } from 'vitest';
import { autoScenarios } from '../../src/simulate/auto-scenarios.js';
import { compare } from '../../src/simulate/compare.js';
import { loadBlueprint } from '../../src/io/load.js';

// Acceptance (issue 17): the second bundled system, which no seed describes, gets fault
// isolation in compare for its own units and datastores, and the layouts differ as they should.
describe('the second bundled system (hotel-reservation): compare shows fault isolation', () => {
  // One test, the comparison computed inside it: computed in the describe body it ran while the
  // file loaded, on every mutation run that scheduled the file (seconds), and before Stryker
  // switches a mutant on, so no mutant could change what these assertions read.
  it('a unit-down row for each of its domains and a store-down row for each domain with tables, in every layout; isolation grows with the split', () => {
    const hotel = loadBlueprint(new URL('../../blueprints/hotel-reservation.yaml', import.meta.url).pathname).blueprint;
    const layouts = Object.keys(hotel.layouts);
    const cmp = compare(hotel, layouts, { scenarios: autoScenarios(hotel), duration: 20_000 });
    const row = (scenario: string, layout: string) => cmp.faultIsolation.find((r) => r.failure.startsWith(`${scenario}:`) && r.layout === layout)!;
    expect(layouts).toEqual(['monolith', 'three-services', 'microservices']);
    const domains = Object.keys(hotel.system.domains);
    const stateful = domains.filter((d) => (hotel.system.domains[d]!.tables ?? []).length > 0);
    expect(stateful.length).toBeGreaterThan(4);
    for (const l of layouts) {
      for (const d of domains) expect(row(`auto:${d}-down`, l), `${d} down in ${l}`).toBeDefined();
      for (const d of stateful) expect(cmp.faultIsolation.some((r) => r.layout === l && new RegExp(`^auto:${d}-\\w+-down: \\w+ store of ${d} down$`).test(r.failure)), `store of ${d} in ${l}`).toBe(true);
    }
    // Named from this blueprint only: no row of another system's scenarios.
    for (const r of cmp.faultIsolation) expect(r.failure).toMatch(/^auto:/);

    // Isolation grows with the split: one unit or store down takes less of the system.
    // user down: the monolith is all down; split off, search and recommendations keep working.
    expect(row('auto:user-down', 'monolith').overall).toBe(0);
    expect(row('auto:user-down', 'microservices').success['frontend.hotels']).toBeGreaterThan(0.99);
    expect(row('auto:user-down', 'microservices').success['frontend.recommendations']).toBeGreaterThan(0.99);
    expect(row('auto:user-down', 'microservices').success['frontend.user']).toBe(0);
    // rate's memcached: shared with profile in the monolith (search and recommendations fail), its
    // own in microservices (recommendations, which never read rates, keep working).
    expect(row('auto:rate-redis-down', 'monolith').success['frontend.recommendations']).toBe(0);
    expect(row('auto:rate-redis-down', 'microservices').success['frontend.recommendations']).toBeGreaterThan(0.99);
    expect(row('auto:rate-redis-down', 'microservices').success['frontend.hotels']).toBe(0);
    for (const l of layouts) expect(row('auto:user-down', 'monolith').overall).toBeLessThanOrEqual(row('auto:user-down', l).overall);
  });
});
