// --canary on a unit that serves no public route split nothing and said nothing (exit 0, no
// split_clients): the gateway has none of its routes to split. Refused in one line, exit 2.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { action } from '../../src/cli/actions/generate.js';
import { reportError } from '../../src/cli/io.js';
import { generate, GenerateError } from '../../src/generate/index.js';
import { load } from './own-blueprint.js';

const TEXT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ehr }
system:
  domains:
    charts: { operations: { get: { route: "GET /charts/{id}", cpu: 1ms, calls: [audit.record] } } }
    audit: { operations: { record: { cpu: 1ms } } }
    notes: { operations: { add: { route: "POST /notes", cpu: 1ms } } }
layouts:
  phase1:
    gateway: { kind: nginx, port: 8000 }
    units:
      ehr-core: { domains: "*", port: 8080 }
      audit-svc: { domains: [audit], port: 8101 }
      notes-svc: { domains: [notes], port: 8102 }
`;
const BP = load(TEXT);
const tmp = mkdtempSync(join(tmpdir(), 'archsim-canary-no-route-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const MESSAGE = '--canary: audit-svc serves no public route in layout phase1, so the gateway has nothing of it to split';

describe('a canary of a unit with no public route', () => {
  for (const target of ['gateway', 'compose', 'k8s'] as const) {
    it(`is refused by generate ${target}`, () => {
      expect(() => generate(target, BP, 'phase1', { canary: { unit: 'audit-svc', percent: 10 } })).toThrow(new GenerateError(MESSAGE));
    });
  }

  it('the CLI says so in one line and exits 2, writing nothing', async () => {
    const file = join(tmp, 'ehr.yaml');
    writeFileSync(file, TEXT);
    const out = join(tmp, 'out');
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await action('gateway', file, { layout: 'phase1', canary: 'audit-svc=10', out }).catch(reportError);
    vi.restoreAllMocks();
    expect(code).toBe(2);
    expect(stderr).toBe(`archsim: ${MESSAGE}\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('a unit with routes still splits', () => {
    expect(generate('gateway', BP, 'phase1', { canary: { unit: 'notes-svc', percent: 10 } })[0]!.content).toContain('    # canary: 10% to notes-svc, 90% to ehr-core\n    split_clients');
  });
});
