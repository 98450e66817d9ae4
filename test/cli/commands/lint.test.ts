import { describe, expect, it } from 'vitest';
import { archsim } from '../../helpers/cli.js';

const QC = 'blueprints/quantchat.yaml';

describe('archsim lint', () => {
  it('proposed-7: the shared message-db error with file:line:col and why; exit 1 at the default --fail-on error', () => {
    const r = archsim(['lint', QC, '--layout', 'proposed-7']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^blueprints\/quantchat\.yaml:\d+:\d+: error shared-datastore \[proposed-7\]: postgres datastore "message-db" is shared by 2 units/m);
    expect(r.stdout).toContain('  why: The shared-database anti-pattern');
    expect(r.stdout).toMatch(/^1 error, \d+ warnings, \d+ info$/m);
    expect(r.stderr).toContain('archsim: 1 finding at or above error');
  });

  it('the monolith passes even at --fail-on warning; only the extraction order and its idle file store are reported', () => {
    const r = archsim(['lint', QC, '--layout', 'monolith', '--fail-on', 'warning']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/quantchat\.yaml:\d+:\d+: info extraction-order: extract relay first/);
    expect(r.stdout).toMatch(/quantchat\.yaml:\d+:\d+: info unqueried-datastore \[monolith\]: "uploads" \(filesystem\) holds media_objects/);
    expect(r.stdout).toContain('0 errors, 0 warnings, 2 info');
  });

  it('--fail-on decides the exit code; --json gives located findings', () => {
    expect(archsim(['lint', QC, '--layout', 'microservices']).code).toBe(0);
    const r = archsim(['lint', QC, '--layout', 'microservices', '--fail-on', 'warning', '--json']);
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { passed: boolean; counts: Record<string, number>; findings: { rule: string; location: { file: string; line: number; col: number } }[] };
    expect(j.passed).toBe(false);
    expect(j.counts.error).toBe(0);
    expect(j.counts.warning).toBeGreaterThan(0);
    for (const f of j.findings) {
      expect(f.location.file).toBe(QC);
      expect(f.location.line).toBeGreaterThan(1);
    }
    expect(j.findings.map((f) => f.rule)).toContain('hub-unit');
  });

  it('bad usage is one line and exit 2', () => {
    const a = archsim(['lint', QC, '--layout', 'microservice']);
    expect(a.code).toBe(2);
    expect(a.stderr.trim()).toBe('archsim: unknown layout "microservice" (did you mean "microservices"?); layouts: monolith, modular-monolith, strangler-relay, microservices, proposed-7');
    const b = archsim(['lint', QC, '--fail-on', 'fatal']);
    expect(b.code).toBe(2);
    expect(b.stderr.trim()).toBe('archsim: --fail-on fatal: expected one of info, warning, error');
    const c = archsim(['lint', QC, '--layout', 'toString']);
    expect(c.code).toBe(2);
  });
});
