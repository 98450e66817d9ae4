// A workload profile whose shape the run never shows is said when the blueprint loads
// (src/model/semantics.ts profileWarnings): it ran as written, silently.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';

const warnings = (profile: string, extra = '') => {
  const r = parseBlueprint(
    `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: prof }
system:
  domains:
    a: { tables: [t], operations: { x: { route: GET /x, cpu: 1ms } } }
layouts:
  m:
    units: { u: { domains: "*", port: 8000 } }
    datastores: { d: { engine: postgres, tables: "*" } }
workload:
  rate: 10/s
  profile: ${profile}
  duration: 60s
${extra}  mix: { a.x: 1 }
`,
    'p.yaml',
  );
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.warnings.map(formatDiagnostic).map((l) => l.replace(/^p\.yaml:\d+:\d+: warning: /, ''));
};

describe('profile warnings', () => {
  it('a spike after the run ends, below its base', () => {
    expect(warnings('{ kind: spike, base: 10/s, peak: 5/s, at: 90s, for: 10s }')).toEqual([
      "workload.profile.peak: the spike's peak 5/s is not above its base 10/s: a dip, not a spike",
      'workload.profile.at: the spike at 90s starts after the run ends (its duration is 60s): it never happens; start it earlier or give a longer duration',
    ]);
  });

  it('a spike past the end, one inside the warm-up, one at its base', () => {
    expect(warnings('{ kind: spike, base: 10/s, peak: 50/s, at: 55s, for: 10s }')).toEqual(["workload.profile.for: the spike runs from 55s to 65s, past the run's end at 60s: only 5s of it is run"]);
    expect(warnings('{ kind: spike, base: 10/s, peak: 50/s, at: 1s, for: 4s }', '  warmup: 5s\n')).toEqual(['workload.profile.at: the spike (1s–5s) is over before the warm-up ends at 5s: no measured request sees it']);
    expect(warnings('{ kind: spike, base: 10/s, peak: 10/s, at: 10s, for: 4s }')).toEqual(["workload.profile.peak: the spike's peak 10/s is not above its base 10/s: the rate never changes"]);
  });

  it('a ramp longer than the run says where it ends', () => {
    expect(warnings('{ kind: ramp, from: 10/s, to: 110/s, over: 120s }')).toEqual(['workload.profile.over: the ramp takes 120s to reach 110/s, longer than the run (60s): it ends at 60/s']);
  });

  it('a spike and a ramp inside the run: nothing', () => {
    expect(warnings('{ kind: spike, base: 10/s, peak: 50/s, at: 20s, for: 10s }', '  warmup: 5s\n')).toEqual([]);
    expect(warnings('{ kind: ramp, from: 10/s, to: 110/s, over: 60s }')).toEqual([]);
  });
});
