// A `scenarios:` entry is a path relative to the file that wrote it. An overlay in another folder
// that extends a blueprint listing a local scenario file (the overlay `plan --out` writes) looked
// for the file next to the overlay: validate and compare refused it, "no such scenario file".
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blueprintScenarios, chosenScenarios } from '../../src/cli/scenarios.js';
import { parseBlueprint } from '../../src/model/parse.js';

const BASE = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        create: { route: POST /orders, cpu: 1ms, db: { writes: 1 } }
layouts:
  mono:
    units: { app: { domains: "*", port: 8080 } }
    datastores: { db: { engine: postgres, tables: "*" } }
workload: { rate: 10/s, duration: 10s, mix: { orders.create: 1 } }
scenarios: [outage.yaml]
`;

const scenario = (name: string) => `name: ${name}\nfailures:\n  - { description: orders down, domain: orders, at: 2s, for: 3s }\n`;

function project() {
  const root = mkdtempSync(join(tmpdir(), 'archsim-scenario-extends-'));
  mkdirSync(join(root, 'plan'));
  writeFileSync(join(root, 'shop.yaml'), BASE);
  writeFileSync(join(root, 'outage.yaml'), scenario('base-outage'));
  return root;
}

/** The overlay loaded as the CLI loads it, every base readable (confinement is baseReader's, tested elsewhere). */
function load(file: string) {
  const r = parseBlueprint(readFileSync(file, 'utf8'), file, (p) => readFileSync(p, 'utf8'));
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r;
}

describe('scenario files named in an extended blueprint', () => {
  it("resolve against the base's folder, not the overlay's", () => {
    const root = project();
    const overlay = join(root, 'plan', 'shop.plan.yaml');
    writeFileSync(overlay, 'extends: ../shop.yaml\nlayouts:\n  mono: { description: the same }\n');
    const r = load(overlay);
    const { scenarios, problems } = blueprintScenarios(r.blueprint, overlay, r.locate);
    expect(problems).toEqual([]);
    expect(scenarios.map((s) => s.scenario.name)).toEqual(['base-outage']);
    expect(chosenScenarios(r.blueprint, overlay, undefined, r.locate).map((s) => s.scenario.name)).toEqual(['base-outage']);
  });

  it("an overlay's own list resolves against the overlay's folder", () => {
    const root = project();
    writeFileSync(join(root, 'plan', 'outage.yaml'), scenario('overlay-outage'));
    const overlay = join(root, 'plan', 'shop.plan.yaml');
    writeFileSync(overlay, 'extends: ../shop.yaml\nscenarios: [outage.yaml]\n');
    const r = load(overlay);
    const { scenarios, problems } = blueprintScenarios(r.blueprint, overlay, r.locate);
    expect(problems).toEqual([]);
    expect(scenarios.map((s) => s.scenario.name)).toEqual(['overlay-outage']);
  });

  it("a missing file is positioned at the base's entry, named as written there", () => {
    const root = project();
    writeFileSync(join(root, 'shop.yaml'), BASE.replace('[outage.yaml]', '[gone.yaml]'));
    // a file of that name beside the overlay is not the base's
    writeFileSync(join(root, 'plan', 'gone.yaml'), scenario('overlay-gone'));
    const overlay = join(root, 'plan', 'shop.plan.yaml');
    writeFileSync(overlay, 'extends: ../shop.yaml\n');
    const r = load(overlay);
    const { scenarios, problems } = blueprintScenarios(r.blueprint, overlay, r.locate);
    expect(scenarios).toEqual([]);
    expect(problems.map((p) => `${p.file}:${p.line}:${p.col}: ${p.message}`)).toEqual([
      `${join(root, 'shop.yaml')}:15:13: no such scenario file: "gone.yaml" (a path here is relative to this blueprint's folder)`,
    ]);
  });
});
