import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { archsim } from '../../helpers/cli.js';
import { QUESTION_IDS } from '../../../src/model/checklist.js';

const dir = mkdtempSync(join(tmpdir(), 'archsim-checklist-'));
function answersFile(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe('archsim checklist', () => {
  // The seed's thresholds, exactly at the edges.
  for (const [checked, expected] of [
    [7, 'modular-monolith'],
    [8, 'gradual-migration'],
    [12, 'gradual-migration'],
    [13, 'microservices'],
  ] as const) {
    it(`${checked} checked boxes → ${expected}`, () => {
      // Check the last `checked` questions and answer the rest false, so order does not matter.
      const text = QUESTION_IDS.map((id, i) => `${id}: ${i >= QUESTION_IDS.length - checked}`).join('\n');
      const r = archsim(['checklist', '--answers', answersFile(`a${checked}.yaml`, text), '--json']);
      expect(r.code).toBe(0);
      const j = JSON.parse(r.stdout) as { score: number; total: number; recommendation: { id: string } };
      expect(j.score).toBe(checked);
      expect(j.total).toBe(16);
      expect(j.recommendation.id).toBe(expected);
    });
  }

  it('with the QuantChat blueprint: derived answers, the first unit to extract, text output', () => {
    const r = archsim(['checklist', 'blueprints/quantchat.yaml']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('[ ] Team size > 5 developers  (derived: metadata.team.developers is 3)');
    expect(r.stdout).toContain('Score: 4/16 → Stay with modular monolith (< 8)');
    expect(r.stdout).toContain('First to extract: relay (unit relay-service in microservices)');
    const j = JSON.parse(archsim(['checklist', 'blueprints/quantchat.yaml', '--layout', 'proposed-7', '--json']).stdout) as {
      targetLayout: string;
      items: { id: string; checked: boolean; source: string }[];
    };
    expect(j.targetLayout).toBe('proposed-7');
    expect(j.items.find((i) => i.id === 'bounded-contexts')).toMatchObject({ checked: false, source: 'derived' });
  });

  it('answers override derived ones', () => {
    const a = answersFile('team.yaml', 'team-size: true\ndevops: true\n');
    const j = JSON.parse(archsim(['checklist', 'blueprints/quantchat.yaml', '--answers', a, '--json']).stdout) as { score: number };
    expect(j.score).toBe(6);
  });

  it('a bad answers file: positioned errors with "did you mean", exit 2', () => {
    const a = answersFile('bad.yaml', 'monitoring: true\nci-cd: yes please\ngatway: true\n');
    const r = archsim(['checklist', '--answers', a, '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([`${a}:2:8: ci-cd: expected boolean, got a string`, `${a}:3:1: unknown key (did you mean "gateway"?)`]);
    const empty = archsim(['checklist', '--answers', answersFile('empty.yaml', ''), '--json']);
    expect(empty.code).toBe(0);
    expect(archsim(['checklist', '--answers', join(dir, 'missing.yaml')]).code).toBe(2);
    expect(archsim(['checklist', '--layout', 'monolith']).stderr.trim()).toBe('archsim: --layout needs a blueprint file');
  });

  it('is not interactive when stdin is not a terminal', () => {
    const r = archsim(['checklist'], { input: 'j j \n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Score: 0/16');
  });
});
