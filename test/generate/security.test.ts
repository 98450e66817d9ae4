// Secure defaults, checked on every generated file of every bundled layout: no container runs
// as root, every container has limits and probes, no secret value appears anywhere.
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { isScaffolded, layoutToGenerate } from '../../src/generate/common.js';
import { pairs } from './fixtures.js';

type Obj = Record<string, any>;

// Each test generates its pair's files itself: generated once at module level, the files were
// made before Stryker switches a mutant on (npm run mutate), so no generator mutant could fail
// these checks.
const filesOf = (p: (typeof pairs)[number]) => generate('all', p.bp, p.layout, { withDatastores: true });

// Shapes of real secrets: private keys, cloud keys, tokens, and credentials inside URLs.
const SECRET_PATTERNS = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /AKIA[0-9A-Z]{16}/,
  /gh[pousr]_[A-Za-z0-9]{36}/,
  /xox[baprs]-[A-Za-z0-9-]{10,}/,
  /eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/,
  /:\/\/[^\s:/@${}]+:[^\s@${}]+@/, // scheme://user:literal-password@host
  /(password|passwd|secret|token)["']?\s*[:=]\s*["'](?!\$\{|\$\()[^"'\s]{6,}["']/i, // a quoted literal
  /^\s*-?\s*[A-Z_]*(PASSWORD|PASS|SECRET|TOKEN)[A-Z_]*\s*[:=]\s*(?!"?\$\{|"?\$\()\S{4,}/m, // an env entry with a literal
];

describe('security', () => {
  it.each(pairs)('$name: no container runs as root (k8s, Dockerfiles, compose)', (p) => {
    const { bp, layout } = p;
    const files = filesOf(p);
    for (const f of files.filter((x) => x.path.startsWith('k8s/') && x.path !== 'k8s/kustomization.yaml')) {
      for (const d of parseAllDocuments(f.content)) {
        const o = d.toJS() as Obj;
        const pod = o.spec?.template?.spec;
        if (!pod) continue;
        expect(pod.securityContext.runAsNonRoot, f.path).toBe(true);
        expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
        for (const c of pod.containers) {
          expect(c.securityContext.allowPrivilegeEscalation, f.path).toBe(false);
          expect(c.securityContext.capabilities.drop).toEqual(['ALL']);
        }
      }
    }
    // One Dockerfile per unit archsim scaffolds (an image or another runtime brings its own).
    const dockerfiles = files.filter((x) => x.path.endsWith('/Dockerfile'));
    expect(dockerfiles.length).toBe(layoutToGenerate(bp, layout).units.filter(isScaffolded).length);
    for (const f of dockerfiles) {
      const users = [...f.content.matchAll(/^USER (.+)$/gm)].map((m) => m[1]!);
      expect(users.at(-1), f.path).toMatch(/^[1-9][0-9]*:[1-9][0-9]*$/);
      // The USER line comes after the last FROM: the final image runs as it.
      expect(f.content.lastIndexOf('\nUSER ')).toBeGreaterThan(f.content.lastIndexOf('\nFROM '));
    }
    const compose = parse(files.find((x) => x.path === 'docker-compose.yml')!.content) as { services: Record<string, Obj> };
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build) expect(s.user, name).toBe('10001:10001');
    }
  });

  it.each(pairs)('$name: every container has resource limits and health probes', (p) => {
    const files = filesOf(p);
    for (const f of files.filter((x) => x.path.startsWith('k8s/') && x.path !== 'k8s/kustomization.yaml')) {
      for (const d of parseAllDocuments(f.content)) {
        const pod = (d.toJS() as Obj).spec?.template?.spec;
        if (!pod) continue;
        for (const c of pod.containers) {
          expect(c.resources.limits.cpu, f.path).toBeTruthy();
          expect(c.resources.limits.memory).toBeTruthy();
          expect(c.livenessProbe, f.path).toBeTruthy();
          expect(c.readinessProbe).toBeTruthy();
        }
      }
    }
    const compose = parse(files.find((x) => x.path === 'docker-compose.yml')!.content) as { services: Record<string, Obj> };
    for (const [name, s] of Object.entries(compose.services)) {
      expect(s.deploy?.resources?.limits?.memory, name).toBeTruthy();
      // Kafka, NATS and ElasticMQ images ship no probe tool; they are waited on as started.
      if (!/kafka|nats|elasticmq/.test(s.image)) expect(s.healthcheck, name).toBeTruthy();
    }
  });

  it.each(pairs)('$name: no secret value appears in any generated file', (p) => {
    const files = filesOf(p);
    const env = files.find((f) => f.path === '.env.example')!.content;
    const secretValues = [...env.matchAll(/^[A-Z0-9_]*(PASSWORD|SECRET)[A-Z0-9_]*=(.+)$/gm)].map((m) => m[2]!);
    expect(secretValues.length).toBeGreaterThan(0);
    for (const f of files) {
      if (f.path === '.env.example') continue;
      for (const v of secretValues) expect(f.content.includes(v), `${f.path} contains ${v}`).toBe(false);
      for (const p of SECRET_PATTERNS) expect(f.content, f.path).not.toMatch(p);
    }
    // Kubernetes: secrets by reference only; no Secret object carries data.
    for (const f of files.filter((x) => x.path.startsWith('k8s/'))) {
      for (const d of parseAllDocuments(f.content)) {
        const o = d.toJS() as Obj | null;
        expect(o?.kind, f.path).not.toBe('Secret');
      }
    }
  });
});
