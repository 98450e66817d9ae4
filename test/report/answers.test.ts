// `report --answers` scores the readiness checklist on the same answers as `checklist --answers`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { archsim } from '../helpers/cli.js';

it('report --answers and checklist --answers agree; a bad answers file is a positioned error (exit 2)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'archsim-answers-'));
  const answers = join(dir, 'answers.yaml');
  writeFileSync(answers, 'monitoring: true\norchestration: true\nci-cd: true\non-call: true\nbudget: true\n');
  const ck = JSON.parse(archsim(['checklist', 'blueprints/chatpop.yaml', '--answers', answers, '--json']).stdout);
  const r = archsim(['report', 'blueprints/chatpop.yaml', '--no-faults', '--format', 'json', '--answers', answers]);
  expect(r.code).toBe(0);
  const rep = JSON.parse(r.stdout);
  expect(rep.checklist.score).toBe(ck.score);
  expect(rep.checklist.score).toBeGreaterThan(JSON.parse(archsim(['report', 'blueprints/chatpop.yaml', '--no-faults', '--format', 'json']).stdout).checklist.score);
  expect(rep.checklist.answered).toContain('Have on-call rotation: yes');
  writeFileSync(answers, 'monitorng: true\n');
  const bad = archsim(['report', 'blueprints/chatpop.yaml', '--no-faults', '--answers', answers]);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/answers\.yaml:1:1: unknown key \(did you mean "monitoring"\?\)/);
  expect(bad.stderr).not.toContain('monitorng');
});
