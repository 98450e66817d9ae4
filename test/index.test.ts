// The library API mirrors the commands: the same answers without the CLI.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checklist, lint, loadBlueprint, toMermaid } from '../src/index.js';

const ROOT = new URL('..', import.meta.url).pathname;

describe('library API', () => {
  it('exports lint, toMermaid and checklist working on a loaded blueprint', () => {
    const { blueprint } = loadBlueprint(join(ROOT, 'blueprints/quantchat.yaml'));
    expect(lint(blueprint, 'proposed-7').some((f) => f.rule === 'shared-datastore' && f.severity === 'error')).toBe(true);
    expect(toMermaid(blueprint, 'monolith', { operation: 'auth.login' })).toMatch(/^sequenceDiagram\n/);
    expect(checklist({ blueprint, answers: { monitoring: true } }).score).toBe(5);
  });
});
