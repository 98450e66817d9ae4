// Without a gateway each unit with public routes is published on host ports, one per replica:
// a range that no longer fits below 65536 takes the nearest free one below the unit's port, and
// the k6 script sends to exactly the ports compose publishes.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { layoutToGenerate, unitHostPortRanges } from '../../src/generate/common.js';
import { generate } from '../../src/generate/index.js';
import type { Blueprint } from '../../src/model/schema.js';
import { load } from './own-blueprint.js';


const BP = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: top }
system:
  domains:
    sessions: { operations: { open: { route: "POST /sessions", cpu: 0.1ms } } }
    albums: { operations: { list: { route: "GET /albums", cpu: 0.1ms } } }
    blobs: { operations: { get: { route: "GET /blobs/{id}", cpu: 0.1ms } } }
    low: { operations: { ping: { route: "GET /low", cpu: 0.1ms } } }
layouts:
  split:
    units:
      sessions-svc: { domains: [sessions], port: 65535, replicas: 12 }
      albums-svc: { domains: [albums], port: 65534, replicas: 3 }
      blobs-svc: { domains: [blobs], port: 65533 }
      low-svc: { domains: [low], port: 1 }
workload:
  rate: 10/s
  mix: { sessions.open: 1, albums.list: 1, blobs.get: 1, low.ping: 1 }
`);

describe('host ports at the top of the range', () => {
  it('every routed unit is published: upward while it fits, else the nearest free range below', () => {
    expect(Object.fromEntries(unitHostPortRanges(layoutToGenerate(BP, 'split')))).toEqual({
      'sessions-svc': { first: 65524, count: 12 },
      'albums-svc': { first: 65521, count: 3 },
      'blobs-svc': { first: 65520, count: 1 },
      'low-svc': { first: 1, count: 1 },
    });
  });

  it('compose publishes those ranges and the k6 script sends to the same ports', () => {
    const compose = parse(generate('compose', BP, 'split', {}).find((f) => f.path === 'docker-compose.yml')!.content);
    expect(compose.services['sessions-svc'].ports).toEqual(['127.0.0.1:65524-65535:65535']);
    expect(compose.services['albums-svc'].ports).toEqual(['127.0.0.1:65521-65523:65534']);
    expect(compose.services['blobs-svc'].ports).toEqual(['127.0.0.1:65520:65533']);
    expect(compose.services['low-svc'].ports).toEqual(['127.0.0.1:1:1']);
    const script = generate('k6', BP, 'split', {})[0]!.content;
    const ports = (first: number, count: number) => JSON.stringify(Array.from({ length: count }, (_, i) => `http://127.0.0.1:${first + i}`));
    expect(script).toContain(`"sessions-svc": (__ENV.BASE_URL_SESSIONS_SVC ? [__ENV.BASE_URL_SESSIONS_SVC] : ${ports(65524, 12)})`);
    expect(script).toContain(`"albums-svc": (__ENV.BASE_URL_ALBUMS_SVC ? [__ENV.BASE_URL_ALBUMS_SVC] : ${ports(65521, 3)})`);
    expect(script).toContain(`"blobs-svc": (__ENV.BASE_URL_BLOBS_SVC ? [__ENV.BASE_URL_BLOBS_SVC] : ${ports(65520, 1)})`);
  });
});
