// The checked-in example reports, rebuilt in this process from the sources (examples.test.ts runs
// the built CLI on them; this one exercises src/report itself, so a mutation of the report code
// changes the text and fails here): markdown and JSON byte for byte.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { chosenScenarios } from '../../src/cli/scenarios.js';
import { parseScenario, type Scenario } from '../../src/simulate/scenario.js';
import { renderReport, runReport } from '../../src/report/run.js';

// The CLI finds bundled scenarios beside dist/; from the sources, read them from scenarios/.
function scenariosOf(bp: ReturnType<typeof loadBlueprint>['blueprint'], file: string): Scenario[] {
  if (!bp.scenarios?.length) return chosenScenarios(bp, file, undefined).map((s) => s.scenario);
  return bp.scenarios.map((name) => {
    const r = parseScenario(readFileSync(`scenarios/${name}.yaml`, 'utf8'), `${name}.yaml`);
    if (!r.ok) throw new Error(r.errors[0]!.message);
    return r.scenario;
  });
}

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('example reports, in process', () => {
  for (const name of ['chatpop', 'quantchat']) {
    it(`${name}: markdown and JSON are reports/examples/${name}/report.{md,json}`, () => {
      const file = `blueprints/${name}.yaml`;
      const { blueprint, locate } = loadBlueprint(file);
      const run = runReport(blueprint, {
        file,
        generator: `archsim ${version}`,
        layouts: Object.keys(blueprint.layouts),
        scenarios: scenariosOf(blueprint, file),
        loadtests: [],
        locate,
      });
      expect(renderReport('md', run)).toBe(readFileSync(`reports/examples/${name}/report.md`, 'utf8'));
      expect(renderReport('json', run)).toBe(readFileSync(`reports/examples/${name}/report.json`, 'utf8'));
      const html = renderReport('html', run);
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain(`<title>`);
    });
  }
});
