// A load profile checked against the run that is made: validate checks it against the blueprint's
// own duration, but `simulate --duration 15s` on a spike at 20 s ran a flat load and said nothing.
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/simulate/simulate.js';
import { bp } from './helpers.js';

const spiky = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: spiky }
system:
  domains:
    a:
      operations:
        op: { route: GET /op, cpu: 1ms }
layouts:
  one:
    units: { u: { domains: [a], port: 8000 } }
workload:
  rate: 50/s
  duration: 60s
  mix: { a.op: 1 }
  profile: { kind: spike, base: 50/s, peak: 200/s, at: 20s, for: 10s }
`);
const said = (w: string[]) => w.filter((x) => x.startsWith('load profile: '));

describe('the load profile against the run actually made', () => {
  it('a 15-s run: the spike at 20 s never happens, said by both methods', () => {
    const line = 'load profile: the spike at 20s starts after the run ends (its duration is 15s): it never happens; start it earlier or give a longer duration';
    expect(said(simulate(spiky, 'one', { duration: 15_000 }).warnings)).toEqual([line]);
    expect(said(simulate(spiky, 'one', { duration: 15_000, method: 'analytic' }).warnings)).toEqual([line]);
  });

  it('a 25-s run: only 5 s of the spike is run', () => {
    expect(said(simulate(spiky, 'one', { duration: 25_000 }).warnings)).toEqual(["load profile: the spike runs from 20s to 30s, past the run's end at 25s: only 5s of it is run"]);
  });

  it("the blueprint's own run (validate's to say), or a longer one that holds the spike: nothing", () => {
    expect(said(simulate(spiky, 'one', {}).warnings)).toEqual([]);
    expect(said(simulate(spiky, 'one', { duration: 120_000 }).warnings)).toEqual([]);
  });
});
