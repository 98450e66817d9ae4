// loadtest --target on a layout with no gateway whose operations live on several units: the
// embedded driver sends every request to the one URL, so the other units' operations answered
// 404 and counted as the system's errors, with nothing said. The result's notes now say it first.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';
import { splitTargetNote } from '../../src/loadtest/load-test.js';

const TEXT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: split }
system:
  domains:
    sessions: { tables: [], operations: { open: { route: POST /sessions, cpu: 1ms } } }
    albums: { tables: [], operations: { list: { route: GET /albums, cpu: 1ms }, get: { route: "GET /albums/{id}", cpu: 1ms } } }
layouts:
  split:
    units:
      sessions-svc: { domains: [sessions], port: 9001 }
      albums-svc: { domains: [albums], port: 9002 }
  gated:
    gateway: { kind: nginx, port: 8000 }
    units:
      sessions-svc: { domains: [sessions], port: 9001 }
      albums-svc: { domains: [albums], port: 9002 }
  one:
    units:
      app: { domains: "*", port: 9000 }
`;
const bp = (() => {
  const r = parseBlueprint(TEXT, 'split.yaml');
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.blueprint;
})();

describe('loadtest --target and a layout without a gateway', () => {
  it('says which units serve which operations, and that only one of them listens at the target', () => {
    expect(splitTargetNote(bp, 'split', ['sessions.open', 'albums.list', 'albums.get'], 'http://127.0.0.1:9002')).toBe(
      'layout split has no gateway and its mix\'s operations are served by 2 units: sessions-svc (sessions.open); albums-svc (albums.list, albums.get); every request went to http://127.0.0.1:9002, so the operations of the units not listening there fail (404) and count as errors: measure one unit\'s operations with --operation, or put a gateway in front',
    );
  });
  it('nothing to say with a gateway, one unit, or a mix that one unit serves', () => {
    expect(splitTargetNote(bp, 'gated', ['sessions.open', 'albums.list'], 'http://127.0.0.1:8000')).toBeUndefined();
    expect(splitTargetNote(bp, 'one', ['sessions.open', 'albums.list'], 'http://127.0.0.1:9000')).toBeUndefined();
    expect(splitTargetNote(bp, 'split', ['albums.list', 'albums.get'], 'http://127.0.0.1:9002')).toBeUndefined();
  });
});
