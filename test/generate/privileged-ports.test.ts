// Ports below 1024. The generated containers run as a non-root user with every capability dropped,
// so they cannot bind one: a unit's pod lowers the kernel's privileged-port line (the namespaced
// sysctl net.ipv4.ip_unprivileged_port_start, safe since Kubernetes 1.22), and the gateway, moved
// to 8000 (or the next free usual port), is said to be moved instead of changed silently.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generate } from '../../src/generate/index.js';
import { Blueprint } from '../../src/model/schema.js';
import { archsim } from '../helpers/cli.js';

const text = (gatewayPort: number) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: low }
system:
  domains:
    web: { operations: { home: { route: GET /, cpu: 1ms } } }
    api: { operations: { get: { route: GET /api, cpu: 1ms } } }
layouts:
  bare:
    units:
      web: { domains: [web], port: 80 }
      api: { domains: [api], port: 8081 }
  fronted:
    gateway: { kind: nginx, port: ${gatewayPort} }
    units:
      web: { domains: [web], port: 8080 }
      api: { domains: [api], port: 8081 }
`;
const bp = Blueprint.parse(parse(text(443)));
const deployment = (layout: string, unit: string) => {
  const f = generate('k8s', bp, layout).find((x) => x.path === `k8s/${unit}/deployment.yaml`)!;
  const o = parse(f.content);
  new Deployment(o).validate();
  return o;
};

describe('k8s: a unit on a port below 1024', () => {
  it('its pod lowers the privileged-port line to 0, and stays non-root', () => {
    const sc = deployment('bare', 'web').spec.template.spec.securityContext;
    expect(sc.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    expect(sc.runAsNonRoot).toBe(true);
  });
  it('a unit on 8081 has no sysctl', () => {
    expect(deployment('bare', 'api').spec.template.spec.securityContext.sysctls).toBeUndefined();
  });
});

describe('generate: a gateway on a port below 1024 is moved, and said so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'archsim-low-ports-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('443: one note naming the port it listens on instead; 8443: nothing to say', () => {
    writeFileSync(join(dir, 'low.yaml'), text(443));
    const r = archsim(['generate', 'compose', 'low.yaml', '-l', 'fronted', '--out', 'out-low'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr.trim()).toBe(
      "archsim: note: the gateway's port 443 is privileged and the generated gateway runs as a non-root user: it listens on 8000 instead (the published port and the k6 target too); put 443 in front of it (a load balancer or a port mapping)",
    );
    writeFileSync(join(dir, 'high.yaml'), text(8443));
    const h = archsim(['generate', 'compose', 'high.yaml', '-l', 'fronted', '--out', 'out-high'], { cwd: dir });
    expect(h.code).toBe(0);
    expect(h.stderr).toBe('');
  });
});
