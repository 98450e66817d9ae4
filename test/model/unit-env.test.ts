// A unit's env: may not set what archsim wires into every unit (src/model/unit-env.ts): set twice,
// the generated compose file kept archsim's value and dropped the user's without a word.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/model/diagnostics.js';
import { parseBlueprint } from '../../src/model/parse.js';
import { RESERVED_ENV } from '../../src/generate/common.js';
import { WIRED_UNIT_ENV } from '../../src/model/unit-env.js';

const text = (env: string) => `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: wired }
system:
  domains:
    api: { tables: [a], operations: { go: { route: GET /go, cpu: 1ms } } }
layouts:
  one:
    units:
      api:
        domains: "*"
        port: 8001
        env: ${env}
    datastores: { main: { engine: postgres, tables: [a] } }
`;

describe('env: keys archsim sets', () => {
  it('PORT, SERVICE_NAME and SERVICE_TOKEN are refused at the key, one line each', () => {
    const r = parseBlueprint(text('{ PORT: "9", LOG_LEVEL: debug, SERVICE_NAME: other, SERVICE_TOKEN: s3cret }'), 'bp.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map(formatDiagnostic)).toEqual([
      'bp.yaml:13:22: layouts.one.units.api.env.PORT: env PORT is set by archsim: the port the unit listens on (its `port:`); leave it out of env:',
      'bp.yaml:13:59: layouts.one.units.api.env.SERVICE_NAME: env SERVICE_NAME is set by archsim: the unit’s name; leave it out of env:',
      'bp.yaml:13:81: layouts.one.units.api.env.SERVICE_TOKEN: env SERVICE_TOKEN is set by archsim: the token units send each other on internal calls (from .env or a Secret); leave it out of env:',
    ]);
  });

  it('other variables archsim sets (DATABASE_URL, NODE_ENV) are the user’s to set', () => {
    expect(parseBlueprint(text('{ DATABASE_URL: "postgres://managed/db", NODE_ENV: staging }'), 'bp.yaml').ok).toBe(true);
  });

  it('the generators reserve every wired name for the unit itself', () => {
    for (const k of Object.keys(WIRED_UNIT_ENV)) expect(RESERVED_ENV).toContain(k);
  });
});
