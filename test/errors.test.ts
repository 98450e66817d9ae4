// Error kinds → exit codes in one place, and errors crossing a thread keep their kind as data.
import { describe, expect, it } from 'vitest';
import { ArchsimError, CheckFailed, EXIT, EXIT_CODES, InputError, UsageError, errorKind, exitCode, fromWire, toWire } from '../src/errors.js';
import { GenerateError } from '../src/generate/common.js';
import { NoChromium } from '../src/io/render-mermaid.js';
import { LoopbackError } from '../src/loadtest/scenario.js';
import { UnsupportedSystemError } from '../src/loadtest/layout-run.js';
import { UnknownLayoutError } from '../src/model/resolve.js';
import { PortInUseError } from '../reference-services/launcher/layout.js';
import { ScenarioError } from '../src/simulate/simulate.js';
import { RatesError } from '../src/simulate/sweep.js';
import { WorkloadError } from '../src/simulate/workload.js';
import { cliError } from '../src/cli/sim-run.js';
import { WriteRefused } from '../src/io/write-set.js';

const diag = { file: 'a.yaml', line: 3, col: 5, path: ['x'], message: 'bad', severity: 'error' as const };

describe('error kinds', () => {
  it('map to the README’s exit codes: 2 bad input or usage, 1 a failed check; anything else is internal (1)', () => {
    expect(EXIT_CODES).toEqual({ input: 2, usage: 2, 'check-failed': 1, internal: 1 });
    expect(EXIT).toEqual({ ok: 0, failed: 1, badInput: 2 });
    expect(exitCode(new InputError([diag]))).toBe(2);
    expect(exitCode(new UsageError('x'))).toBe(2);
    expect(exitCode(new CheckFailed('x'))).toBe(1);
    expect(exitCode(new Error('x'))).toBe(1);
    expect(errorKind(new TypeError('x'))).toBe('internal');
    expect(errorKind('a string')).toBe('internal');
  });

  it('every error a user can cause is a usage error by its own kind, not by a mapping in the CLI', () => {
    const mistakes = [
      new GenerateError('x'),
      new NoChromium('x'),
      new LoopbackError('x'),
      new UnsupportedSystemError('x'),
      new UnknownLayoutError('l', ['a']),
      new PortInUseError('x'),
      new ScenarioError([{ path: ['failures', 0], message: 'no unit' }]),
      new RatesError('x'),
      new WorkloadError('x'),
      new WriteRefused('x'),
    ];
    for (const e of mistakes) {
      expect(e, e.name).toBeInstanceOf(ArchsimError);
      expect(errorKind(e), e.name).toBe('usage');
    }
  });
});

describe('errors across a worker thread', () => {
  // postMessage copies with the structured clone algorithm: class identity is lost, data is not.
  const cross = (e: unknown) => fromWire(structuredClone(toWire(e)));

  it('keep their kind, message and positioned diagnostics', () => {
    expect(errorKind(cross(new RatesError('bad range')))).toBe('usage');
    expect(cross(new RatesError('bad range')).message).toBe('bad range');
    expect(errorKind(cross(new CheckFailed('over budget')))).toBe('check-failed');
    expect(errorKind(cross(new RangeError('a bug')))).toBe('internal');
    const input = cross(new InputError([diag]));
    expect(input).toBeInstanceOf(InputError);
    expect((input as InputError).diagnostics).toEqual([diag]);
  });

  it('a scenario’s problems still come back positioned in the scenario file', () => {
    const remote = cross(new ScenarioError([{ path: ['failures', 0, 'unit'], message: 'no unit "x"' }]));
    const located = cliError(remote, (p) => ({ file: 's.yaml', line: 7, col: p.length }));
    expect(located).toBeInstanceOf(InputError);
    expect((located as InputError).diagnostics).toEqual([{ file: 's.yaml', line: 7, col: 3, path: ['failures', 0, 'unit'], message: 'no unit "x"', severity: 'error' }]);
  });
});
