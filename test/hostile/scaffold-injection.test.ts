// Item 1 of issue 13: free text from a blueprint (a domain description with line breaks, an
// operation description, an event name with "*/" and line breaks, a layout description)
// reaches the generated scaffold only as inert text. The proof is the scaffold's own `npm test`
// (tsc + node --test), run for real: it passes and no marker file appears.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { archsim, ROOT } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'archsim-hostile-scaffold-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const MARKER = join(dir, 'PWNED');
const inject = (n: number) => `x\nimport { writeFileSync as w${n} } from 'node:fs'; w${n}(${JSON.stringify(MARKER)}, '${n}');\n//`;
const blockInject = (n: number) => `*/ ; require('node:fs').writeFileSync(${JSON.stringify(MARKER)}, '${n}'); /*`;

const BLUEPRINT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: hostile, title: ${JSON.stringify(inject(1))} }
system:
  domains:
    orders:
      description: ${JSON.stringify(inject(2))}
      operations:
        create:
          description: ${JSON.stringify(blockInject(3))}
          route: POST /api/orders
          emits: [${JSON.stringify(`order.created${blockInject(4)}\u2028w(1)`)}]
        get: { route: "GET /api/orders/{id}", calls: [billing.charge] }
    billing:
      description: ${JSON.stringify(blockInject(5) + '\r\n' + inject(6))}
      operations:
        charge: { internal: true }
        notify: { internal: true }
  events:
    ${JSON.stringify(`order.created${blockInject(4)}\u2028w(1)`)}: { consumers: [billing.notify] }
layouts:
  split:
    description: ${JSON.stringify(inject(7))}
    units:
      orders-svc: { domains: [orders], port: 8001, instance: small, env: { GREETING: "hello $HOME \${USER} $$" } }
      billing-svc: { domains: [billing], port: 8002, instance: small }
catalog:
  small: { usdPerMonth: $5 }
`;

describe('scaffold injection', () => {
  it('hostile text passes validate, and the generated services build and pass their own npm test without running it', () => {
    writeFileSync(join(dir, 'bp.yaml'), BLUEPRINT);
    const v = archsim(['validate', join(dir, 'bp.yaml')]);
    expect(v.code, v.stderr).toBe(0);
    const out = join(dir, 'out');
    const g = archsim(['generate', 'scaffold', join(dir, 'bp.yaml'), '--layout', 'split', '--out', out]);
    expect(g.code, g.stderr).toBe(0);
    // The services' dependencies are archsim's own (same pinned versions): no registry needed.
    symlinkSync(join(ROOT, 'node_modules'), join(out, 'node_modules'), 'dir');
    const services = readdirSync(join(out, 'services'));
    expect(services.sort()).toEqual(['billing-svc', 'orders-svc']);
    for (const s of services) {
      const t = spawnSync('npm', ['test'], { cwd: join(out, 'services', s), encoding: 'utf8', timeout: 180_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
      expect(t.status, `${s}: ${t.stdout}\n${t.stderr}`).toBe(0);
      expect(t.stdout).toMatch(/^# pass [1-9]/m);
      expect(t.stdout).toMatch(/^# fail 0$/m);
    }
    expect(existsSync(MARKER)).toBe(false);
    // compose: the literal value keeps its dollars ($$ is compose's escape for $).
    const compose = spawnSync('grep', ['-F', 'GREETING', join(out, 'docker-compose.yml')], { encoding: 'utf8' }).stdout;
    expect(compose).toContain('hello $$HOME $${USER} $$$$');
  }, 400_000);
});
