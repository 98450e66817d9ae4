// A runtime naming Node with its version right after the name (nodejs20, node20, nodejs20.x, as
// cloud platforms write it) is Node: the unit gets its scaffold, and compose builds the
// Dockerfile the scaffold writes (not a ./services/<unit> folder left for the user's code).
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../../src/generate/index.js';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

const bp = (runtime: string): Blueprint => {
  const r = parseBlueprint(
    `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: rt }
system:
  domains:
    a: { operations: { get: { route: GET /a, cpu: 1ms } } }
layouts:
  one:
    units:
      back: { domains: [a], port: 8080, runtime: "${runtime}" }
workload:
  rate: 1/s
  mix: { a.get: 1 }
`,
    'bp.yaml',
  );
  if (!r.ok) throw new Error(r.errors.map(formatDiagnostic).join('\n'));
  return r.blueprint;
};

describe('Node runtimes with a version', () => {
  it.each(['nodejs20', 'node20', 'nodejs20.x', 'NodeJS22.11.0/fastify'])('%s: scaffolded, built by compose from the folder the scaffold writes, NODE_ENV set', (runtime) => {
    const files = generate('scaffold', bp(runtime), 'one', {});
    const compose = parse(files.find((f) => f.path === 'docker-compose.yml')!.content);
    expect(compose.services.back.build).toEqual({ context: '.', dockerfile: 'services/back/Dockerfile' });
    expect(compose.services.back.environment.NODE_ENV).toBe('production');
    expect(compose.services.back.healthcheck.test.slice(0, 2)).toEqual(['CMD', 'node']);
    expect(files.map((f) => f.path)).toContain('services/back/Dockerfile');
    expect(files.map((f) => f.path)).toContain('services/back/src/app.ts');
  });

  it('another runtime (nodex20): no scaffold, its own folder to build, no NODE_ENV', () => {
    const files = generate('scaffold', bp('nodex20'), 'one', {});
    const compose = parse(files.find((f) => f.path === 'docker-compose.yml')!.content);
    expect(files.some((f) => f.path.startsWith('services/back/'))).toBe(false);
    expect(compose.services.back.build).toEqual({ context: './services/back' });
    expect(compose.services.back.environment.NODE_ENV).toBeUndefined();
  });
});
