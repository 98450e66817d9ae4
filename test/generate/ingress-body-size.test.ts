// ingress-nginx answers 413 past 1m of request body unless an Ingress says otherwise: a layout
// whose public operation declares `request: 8MiB` got the nginx gateway's 9m and an Ingress that
// refused the same upload on Kubernetes.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { bp } from '../simulate/helpers.js';

const upload = (size: string) =>
  bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: vids }
system:
  domains:
    up:
      operations:
        put: { route: "PUT /chunks/{id}", cpu: 1ms, request: ${size} }
        get: { route: "GET /chunks/{id}", cpu: 1ms }
layouts:
  one:
    units: { web: { domains: [up], port: 8000 } }
`);

const ingresses = (size: string) =>
  generate('k8s', upload(size), 'one')
    .filter((f) => f.path.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(f.content).map((d) => d.toJS() as { kind?: string; metadata?: { annotations?: Record<string, string> } }))
    .filter((o) => o.kind === 'Ingress');

describe('the Ingress body limit', () => {
  it('an 8 MiB request: proxy-body-size 9m (8 MiB and 10% for the JSON around it), as the nginx gateway', () => {
    const ing = ingresses('8MiB');
    expect(ing.length).toBe(1);
    expect(ing[0]!.metadata!.annotations).toEqual({ 'nginx.ingress.kubernetes.io/proxy-body-size': '9m' });
  });

  it('requests within ingress-nginx’s 1m: no annotation', () => {
    expect(ingresses('100KiB')[0]!.metadata!.annotations).toBeUndefined();
  });
});
