// Every command × every bundled blueprint × every layout, as a user runs them: real CLI
// processes, the documented exit code, and every section of the output filled — fault isolation
// included. New blueprints in blueprints/ are covered without touching this test. Kept fast for
// CI: the analytic method where a command offers one, short DES runs, generate --dry-run
// (about a minute on a quiet two-core machine; the timeouts leave room for a busy one).
// plan too; up, loadtest and validate-model run the reference services (their own tests cover
// them), calibrate reads their results.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BIN, ROOT } from '../helpers/cli.js';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', CI: '1' } });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end();
  });
}

/** Two at a time: the machine has two cores. */
async function all<T>(jobs: (() => Promise<T>)[], width = 2): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  }));
  return out;
}

interface Bundled {
  file: string;
  name: string;
  layouts: string[];
  domains: string[];
  mix: string[];
  /** the blueprint names its own scenario files (compare runs those instead of the automatic ones) */
  ownScenarios: boolean;
  /** domains that own tables */
  stateful: string[];
}

const bundled: Bundled[] = readdirSync(join(ROOT, 'blueprints'))
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.load.yaml'))
  .sort()
  .map((f) => {
    const y = parse(readFileSync(join(ROOT, 'blueprints', f), 'utf8'));
    const stateful = Object.entries(y.system.domains as Record<string, { tables?: string[] }>).filter(([, d]) => (d.tables ?? []).length > 0).map(([n]) => n);
    return { file: `blueprints/${f}`, name: y.metadata.name, layouts: Object.keys(y.layouts), domains: Object.keys(y.system.domains), mix: Object.keys(y.workload.mix), ownScenarios: Array.isArray(y.scenarios), stateful };
  });

const expectClean = (r: Run, what: string) => {
  expect(r.stderr, what).not.toMatch(/internal error|\n\s+at .+\.js:\d+/);
};

describe.each(bundled)('$name: every command, every layout', (b) => {
  it('validate, checklist, inspect: exit 0, every section', async () => {
    const [v, c, i] = await all([() => run(['validate', b.file]), () => run(['checklist', b.file]), () => run(['inspect', b.file])]);
    for (const [r, what] of [[v, 'validate'], [c, 'checklist'], [i, 'inspect']] as const) {
      expectClean(r, what);
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
    }
    expect(v.stdout).toMatch(new RegExp(`✓ ${b.file}: ${b.name}, ${b.domains.length} domains?, ${b.layouts.length} layouts?`));
    expect(c.stdout).toMatch(/Score: \d+\/16 → /);
    expect(c.stdout).toMatch(/First to extract: /);
    for (const h of ['Domains', 'Events', 'Failure scenarios', ...b.layouts.map((l) => `Layout ${l}`)]) expect(i.stdout, `inspect: ${h}`).toContain(h);
    expect(i.stdout).toMatch(/auto:\S+-down /);
  }, 300_000);

  it.each(b.layouts)('%s: inspect, graph, lint, simulate (analytic and DES with a failure), sweep, generate all', async (l) => {
    const firstDown = `auto:${b.domains[0]}-down`;
    const [ins, graph, lint, ana, des, sweep, gen] = await all([
      () => run(['inspect', b.file, '--layout', l, '--json']),
      () => run(['graph', b.file, '--layout', l]),
      () => run(['lint', b.file, '--layout', l, '--json']),
      () => run(['simulate', b.file, '--layout', l, '--method', 'analytic']),
      () => run(['simulate', b.file, '--layout', l, '--scenario', firstDown, '--json']),
      () => run(['sweep', b.file, '--layout', l, '--rates', '10..200x4']),
      () => run(['generate', 'all', b.file, '--layout', l, '--out', join(ROOT, 'test-output', 'matrix', b.name, l), '--dry-run', '--json']),
    ]);
    for (const [r, what] of [[ins, 'inspect'], [graph, 'graph'], [ana, 'simulate analytic'], [des, 'simulate des'], [sweep, 'sweep'], [gen, 'generate']] as const) {
      expectClean(r, what);
      expect(r.code, `${what}: ${r.stderr}`).toBe(0);
    }
    expect(JSON.parse(ins.stdout).layouts.map((x: { name: string }) => x.name)).toEqual([l]);
    expect(graph.stdout).toMatch(/^flowchart /);
    // lint: 1 exactly when an error-level finding is there (the documented --fail-on error).
    expectClean(lint, 'lint');
    const findings = JSON.parse(lint.stdout);
    const errors = (Array.isArray(findings) ? findings : findings.findings).filter((f: { severity: string }) => f.severity === 'error').length;
    expect(lint.code).toBe(errors ? 1 : 0);
    for (const op of b.mix) expect(ana.stdout, `simulate: ${op}`).toContain(op);
    expect(ana.stdout).toMatch(/bottleneck: \S+ at /);
    expect(ana.stdout).toMatch(/cost: \$[0-9.]+\/month/);
    const r = JSON.parse(des.stdout);
    expect(r.scenario).toBe(firstDown);
    expect(r.faults?.length, 'fault rows').toBeGreaterThan(0);
    expect(Object.keys(r.faults[0].success).sort()).toEqual([...b.mix].sort());
    expect(sweep.stdout).toMatch(/knee .*saturation: /);
    expect(JSON.parse(gen.stdout)).toMatchObject({ ok: true, dryRun: true, layout: l });
  }, 300_000);

  it('plan from the first layout to the last: exit 0, a phase per step, figures and a schedule', async () => {
    const [from, to] = [b.layouts[0]!, b.layouts[b.layouts.length - 1]!];
    const r = await run(['plan', b.file, '--from', from, '--to', to, '--format', 'json', '--start', '2026-01-05']);
    expectClean(r, 'plan');
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout);
    expect(p).toMatchObject({ from, to });
    expect(p.phases.length).toBeGreaterThan(0);
    expect(p.order.length).toBeGreaterThan(0);
    expect(p.totals).toBeDefined();
    expect(p.gantt).toBeDefined();
  }, 300_000);

  it('compare and report over every layout: every section, fault isolation for every layout', async () => {
    const [cmp, rep] = await all([() => run(['compare', b.file, '--json']), () => run(['report', b.file, '--format', 'md'])]);
    expectClean(cmp, 'compare');
    expectClean(rep, 'report');
    expect(cmp.code, cmp.stderr).toBe(0);
    expect(rep.code, rep.stderr).toBe(0);
    const c = JSON.parse(cmp.stdout);
    expect(c.layouts).toEqual(b.layouts);
    expect(c.operations.map((o: { id: string }) => o.id).sort()).toEqual([...b.mix].sort());
    expect(c.saturation).toHaveLength(b.layouts.length);
    expect(c.cost).toHaveLength(b.layouts.length);
    for (const l of b.layouts) expect(c.faultIsolation.some((f: { layout: string }) => f.layout === l), `fault isolation for ${l}`).toBe(true);
    if (!b.ownScenarios) {
      // A blueprint no seed describes: fault isolation for its own units and datastores, by name.
      const failures = new Set<string>(c.faultIsolation.map((f: { failure: string }) => f.failure));
      for (const d of b.domains) expect([...failures].some((f) => f.startsWith(`auto:${d}-down: `)), `unit of ${d} down`).toBe(true);
      for (const d of b.stateful) expect([...failures].some((f) => new RegExp(`^auto:\\S+: \\S+ store of ${d} down$`).test(f)), `store of ${d} down`).toBe(true);
    }
    const md = rep.stdout;
    for (const h of ['## archsim: ', '| monthly cost |', '| fault: ', '### Lint', '### Readiness checklist', ...b.layouts.map((l) => `### Layout ${l}`), '<details>']) {
      expect(md, `report: ${h}`).toContain(h);
    }
    // The side-by-side table has a fault row with a cell for every layout.
    const faultRow = md.split('\n').find((x) => x.startsWith('| fault: '))!;
    expect(faultRow.split(' | ')).toHaveLength(b.layouts.length + 1);
  }, 300_000);
});
