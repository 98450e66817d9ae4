// A target unit of the same name as a source unit, on the same instance, holding what the new
// units leave it, is that unit going on. The tie between it and another new unit on the same
// instance went by name order: "uploader" < "web", so the monolith's web was read as renamed
// uploader, a new web was built in its place (the old one running as web-old, the canary "web
// 10%, web 90%"), and uploader was never built. And a unit that keeps its name was said to
// "continue as" itself.
import { describe, expect, it } from 'vitest';
import { bp } from '../simulate/helpers.js';
import { renderPlanMarkdown } from '../../src/plan/markdown.js';
import { plan } from '../../src/plan/index.js';

const YAML = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: photo-box }
system:
  domains:
    upload:
      tables: [blobs]
      operations: { put: { route: PUT /photos, cpu: 30ms, db: { writes: 1 }, emits: [photo.stored] } }
    thumbs:
      tables: [thumbnails]
      operations:
        make: { internal: true, cpu: 50ms, db: { writes: 1 } }
        get: { route: "GET /thumbs/{id}", cpu: 1ms, db: { reads: 1 } }
    users:
      tables: [accounts]
      operations: { me: { route: GET /me, cpu: 0.5ms, db: { reads: 1 } } }
  events:
    photo.stored: { consumers: [thumbs.make] }
layouts:
  mono:
    units: { web: { domains: "*", port: 3000, instance: c1 } }
    datastores: { pg: { engine: postgres, tables: "*", instance: pg1 } }
  scaled:
    gateway: { kind: envoy, port: 443 }
    broker: { kind: sqs }
    units:
      web: { domains: [users], port: 3000, replicas: 2, instance: c1 }
      uploader: { domains: [upload], port: 3001, replicas: 3, instance: c1, autoscale: { min: 3, max: 12, targetUtilization: 60% } }
      thumbnailer: { domains: [thumbs], port: 3002, replicas: 4, instance: c2, autoscale: { min: 2, max: 20, metric: requests, target: 50 } }
    datastores:
      pg: { engine: postgres, tables: [accounts, thumbnails], instance: pg1 }
      objects: { engine: s3, tables: [blobs] }
workload: { rate: 60/s, mix: { upload.put: 1, thumbs.get: 20, users.me: 10 } }
catalog:
  c1: { vcpu: 1, usdPerMonth: $10 }
  c2: { vcpu: 2, usdPerMonth: $20 }
  pg1: { kind: database, vcpu: 2, usdPerMonth: $30 }
`;

describe('plan: a target unit named like the source unit is that unit going on', () => {
  const blueprint = bp(YAML);
  const { plan: p } = plan(blueprint, { from: 'mono', to: 'scaled', start: '2026-01-05' });

  it('builds the two new units, and web keeps its name and port', () => {
    expect(p.order.map((o) => o.unit)).toEqual(['thumbnailer', 'uploader']);
    expect(p.phases.map((ph) => ph.units)).toEqual([['web'], ['web', 'thumbnailer'], ['web', 'uploader', 'thumbnailer']]);
    for (const ph of p.phases.slice(1)) {
      expect(ph.extractions[0]!.from).toEqual({ unit: 'web', port: 3000 });
      expect(ph.notes.join('\n')).not.toMatch(/web-old|continues as/);
    }
    const md = renderPlanMarkdown(p);
    expect(md).toContain('| 10% | thumbnailer 10%, web 90% |');
    expect(md).toContain('| 10% | uploader 10%, web 90% |');
  });
});
