// One set of flag parsers (src/cli/flags.ts) for every command: the same units are accepted
// everywhere and the same bad input is refused everywhere, with one line and exit 2.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { choiceFlag, collectList, durationFlag, intFlag, listFlag, millisFlag, percentFlag, rateFlag, secondsFlag, sizeFlag, sliceFlag } from '../../src/cli/flags.js';
import { BIN, ROOT } from '../helpers/cli.js';

describe('the flag parsers', () => {
  it('a time slice is 100us to 1s: a nanosecond slice made a DES run of a billion events', () => {
    expect(sliceFlag('--cpu-slice', '100us')).toBe(0.1);
    expect(sliceFlag('--cpu-slice', '1s')).toBe(1000);
    expect(() => sliceFlag('--cpu-slice', '99us')).toThrow(new UsageError("--cpu-slice 99us: a time slice is at least 100us (Linux's are about 3ms)"));
    expect(() => sliceFlag('--cpu-slice', '1001ms')).toThrow(UsageError);
  });
  const cases: [string, (v: string) => number, [string, number][], string[]][] = [
    ['rate', (v) => rateFlag('--rate', v), [['200', 200], ['200/s', 200], ['12k/min', 200], ['1.5', 1.5], ['7200/h', 2], ['1M/d', 1e6 / 86400]], ['fast', '-5', '0', '0/s', '200/fortnight', '', '1e999']],
    ['duration', (v) => durationFlag('--duration', v), [['30', 30_000], ['30s', 30_000], ['2m', 120_000], ['500ms', 500], ['1.5s', 1500], ['1h', 3_600_000]], ['soon', '-1', '0', '0s', '5 parsecs', '']],
    ['duration (zero allowed)', (v) => durationFlag('--warmup', v, { zero: true }), [['0', 0], ['0s', 0], ['3s', 3000]], ['-1', 'never']],
    ['seconds', (v) => secondsFlag('--duration', v), [['30', 30], ['2m', 120], ['500ms', 0.5]], ['x', '0']],
    ['size', (v) => sizeFlag('--size', v), [['512', 512], ['512B', 512], ['2KiB', 2048], ['1.5MB', 1_500_000]], ['big', '-1', '2 parsecs']],
    ['percent', (v) => percentFlag('--canary', v), [['10', 0.1], ['10%', 0.1], ['0', 0], ['100%', 1]], ['150', '150%', '-5', 'half']],
    ['int', (v) => intFlag('--users', v), [['1', 1], ['64', 64], [' 8 ', 8]], ['0', '-3', '1.5', 'many', '', '1e3']],
    ['millis', (v) => millisFlag('--trivial-cpu', v), [['0.5', 0.5], ['2', 2], ['500us', 0.5], ['1s', 1000]], ['slow', '-1']],
  ];
  for (const [kind, parse, good, bad] of cases) {
    it(`${kind}: accepts ${good.map(([v]) => JSON.stringify(v)).join(', ')}`, () => {
      for (const [v, want] of good) expect(parse(v), v).toBeCloseTo(want, 9);
    });
    it(`${kind}: refuses ${bad.map((v) => JSON.stringify(v)).join(', ')} with a one-line usage error naming the flag`, () => {
      for (const v of bad) {
        let caught: unknown;
        try {
          parse(v);
        } catch (e) {
          caught = e;
        }
        expect(caught, v).toBeInstanceOf(UsageError);
        expect((caught as Error).message, v).toMatch(/^--[a-z-]+ .*: expected /);
        expect((caught as Error).message).not.toContain('\n');
      }
    });
  }

  it('choices, ranges and lists', () => {
    expect(choiceFlag('--method', 'des', ['des', 'analytic'])).toBe('des');
    expect(() => choiceFlag('--method', 'magic', ['des', 'analytic'])).toThrow('--method magic: expected des or analytic');
    expect(intFlag('--port-offset', '0', 0, 50_000)).toBe(0);
    expect(() => intFlag('--port-offset', '50001', 0, 50_000)).toThrow('from 0 to 50000');
    expect(listFlag(' a, b,,c ')).toEqual(['a', 'b', 'c']);
    expect(collectList('c,d', ['a'])).toEqual(['a', 'c', 'd']);
  });
});

/** The real CLI, asynchronously so the table runs a few at a time. */
function run(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 }, (e, _stdout, stderr) => {
      resolve({ code: e ? ((e as { code?: number }).code ?? null) : 0, stderr });
    });
  });
}

async function inBatches<T, R>(xs: T[], n: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < xs.length; i += n) out.push(...(await Promise.all(xs.slice(i, i + n).map(f))));
  return out;
}

describe('every command parses the same units the same way (exit 2 on bad input)', () => {
  const BP = 'blueprints/quantchat.yaml';
  const out = mkdtempSync(join(tmpdir(), 'archsim-flags-'));
  // Each command with a layout that does not exist: flags are parsed first, so a good value gets
  // as far as "unknown layout" and a bad one stops at the flag. Nothing is simulated or started.
  const COMMANDS: Record<string, string[]> = {
    simulate: ['simulate', BP, '--layout', 'nope'],
    sweep: ['sweep', BP, '--layout', 'nope', '--rates', '10,20'],
    compare: ['compare', BP, '--layouts', 'nope', '--no-faults'],
    report: ['report', BP, '--layouts', 'nope', '--no-faults'],
    'generate k6': ['generate', 'k6', BP, '--layout', 'nope', '--out', out],
    loadtest: ['loadtest', BP, '--layout', 'nope'],
    'validate-model': ['validate-model', BP, '--calibrate-on', 'nope'],
  };
  const RATE_FLAGS: [string, string][] = [
    ['simulate', '--rate'],
    ['simulate', '--target-rate'],
    ['compare', '--rate'],
    ['report', '--rate'],
    ['generate k6', '--rate'],
    ['loadtest', '--rate'],
  ];
  const DURATION_FLAGS: [string, string][] = [
    ['simulate', '--duration'],
    ['simulate', '--warmup'],
    ['simulate', '--think-time'],
    ['sweep', '--duration'],
    ['sweep', '--warmup'],
    ['generate k6', '--duration'],
    ['loadtest', '--duration'],
    ['loadtest', '--warmup'],
    ['loadtest', '--timeout'],
    ['validate-model', '--duration'],
    ['validate-model', '--warmup'],
  ];
  const table = [
    ...RATE_FLAGS.flatMap(([c, f]) => [
      { c, f, v: '12k/min', ok: true },
      { c, f, v: 'fast', ok: false },
    ]),
    ...DURATION_FLAGS.flatMap(([c, f]) => [
      { c, f, v: '30', ok: true },
      { c, f, v: 'soon', ok: false },
    ]),
  ];

  it(`${table.length} cases over ${Object.keys(COMMANDS).length} commands: 12k/min is a rate and 30 a duration (seconds) everywhere; bad values are refused the same way`, async () => {
    const results = await inBatches(table, 4, async (t) => ({ ...t, r: await run([...COMMANDS[t.c]!, t.f, t.v]) }));
    const wrong: string[] = [];
    for (const { c, f, v, ok, r } of results) {
      const lines = r.stderr.trim().split('\n');
      const flagError = lines[0]!.startsWith(`archsim: ${f} ${v}: expected`);
      const reachedLayout = /unknown layout "nope"/.test(r.stderr);
      const good = r.code === 2 && lines.length === 1 && (ok ? reachedLayout && !flagError : flagError);
      if (!good) wrong.push(`${c} ${f} ${v}: exit ${r.code}, ${r.stderr.trim()}`);
    }
    expect(wrong).toEqual([]);
  }, 600_000);
});
