// What a layout run says of its requests (src/loadtest/layout-run.ts seedAndScenario): without a
// load profile nothing is seeded, and it said both "seeded … (load profile setup)" and "no load
// profile". With one, the seeding is said once.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { seedAndScenario, planScenario } from '../../src/loadtest/layout-run.js';
import { loadBlueprint } from '../../src/io/load.js';
import { parseLoadProfile, sidecarOf } from '../../src/loadtest/profile/load.js';

const NOTES = new URL('../../docs/examples/notes.yaml', import.meta.url).pathname;
const bp = loadBlueprint(NOTES).blueprint;
const plan = { rate: 1, users: null, duration: 1, warmup: 0, mix: { 'notes.get': 1 } } as unknown as Parameters<typeof planScenario>[2];

describe('seedAndScenario notes', () => {
  it('without a load profile: one note, nothing seeded, the requests placeholders', async () => {
    const { notes } = await seedAndScenario(bp, 'single', plan, planScenario(bp, null, plan, null));
    expect(notes).toEqual([
      'layout single: no load profile, nothing seeded: requests are placeholders built from the blueprint routes ({param} = request number, sized JSON bodies, no authentication)',
    ]);
  });

  it("with one: the profile's setup seeded before the measured window", async () => {
    const profile = parseLoadProfile(readFileSync(sidecarOf(NOTES), 'utf8'), sidecarOf(NOTES), bp);
    const { notes } = await seedAndScenario(bp, 'single', plan, planScenario(bp, null, plan, profile));
    expect(notes).toEqual(['layout single: seeded through the public API before the measured window (load profile setup)']);
  });
});
