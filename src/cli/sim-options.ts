// Command-line options of simulate, compare and sweep → engine options. Every bad value is a
// one-line usage error (exit 2); a bad scenario file is a positioned error (exit 2).
import { readInput } from '../io/read-input.js';
import { LIMITS } from '../model/limits.js';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.js';
import { didYouMean, type Diagnostic } from '../model/diagnostics.js';
import type { Blueprint } from '../model/schema.js';
import { parseScenario, type Scenario } from '../simulate/scenario.js';
import type { SimulateOptions } from '../simulate/simulate.js';
import { UsageError } from '../errors.js';
import { choiceFlag, durationFlag, fractionFlag, intFlag, rateFlag, SEED_MAX, sliceFlag } from './flags.js';

export interface SimFlags {
  layout?: string;
  rate?: string;
  users?: string;
  thinkTime?: string;
  duration?: string;
  warmup?: string;
  seed?: string;
  method?: string;
  replications?: string;
  scenario?: string;
  hostCores?: string;
  poolWeight?: string;
  cpuSharing?: string;
  cpuSlice?: string;
  balance?: string;
  requests?: string;
  targetRate?: string;
  arrivals?: string;
  json?: boolean;
}

// dist/src/cli/ (the build, and the bundle, which sees its modules' tsc URLs) is three levels
// below the package, src/cli/ (the sources, as vitest runs them) two.
export const BUNDLED_SCENARIOS = fileURLToPath(new URL(import.meta.url.includes('/dist/src/') ? '../../../scenarios/' : '../../scenarios/', import.meta.url));

/** A blueprint of the system alone (layouts: {}): what a command that needs a layout says. */
export const NO_LAYOUTS = 'the blueprint declares no layouts: add one under layouts: (a command that simulates, draws or generates needs one)';

export function checkLayout(bp: Blueprint, name: string | undefined): string {
  const names = Object.keys(bp.layouts);
  if (!names.length) throw new UsageError(NO_LAYOUTS);
  if (!name) {
    if (names.length === 1) return names[0]!;
    throw new UsageError(`--layout is required; layouts: ${names.join(', ')}`);
  }
  if (!bp.layouts[name]) throw new UsageError(`unknown layout "${name}"${didYouMean(name, names)}; layouts: ${names.join(', ')}`);
  return name;
}

/**
 * Read and validate a scenario file; errors come back as file:line:col. With the blueprint it is
 * for, a file that breaks the schema has its cross-references checked in the same run.
 */
export function loadScenario(path: string, bp?: Blueprint, layouts?: string[]): { scenario: Scenario; locate: (p: (string | number)[]) => { file: string; line: number; col: number } } {
  const t = readInput(path);
  if (!t.ok) throw new InputError([{ file: path, line: 1, col: 1, path: [], message: t.message, severity: 'error' }]);
  const r = parseScenario(t.text, path, bp, layouts);
  if (!r.ok) throw new InputError(r.errors);
  return { scenario: r.scenario, locate: r.locate };
}

/** Problems a scenario has against a layout, as positioned diagnostics. */
export function scenarioDiagnostics(problems: { path: (string | number)[]; message: string }[], locate: (p: (string | number)[]) => { file: string; line: number; col: number }): Diagnostic[] {
  return problems.map((p) => ({ ...locate(p.path), path: p.path, message: p.message, severity: 'error' as const }));
}

export function simulateOptions(f: SimFlags): SimulateOptions {
  const o: SimulateOptions = {};
  if (f.rate !== undefined && f.users !== undefined) throw new UsageError('give --rate (open workload) or --users (closed workload), not both');
  // --requests sets the run's length (the time the rate takes to bring them): with --duration the
  // run stopped at the requests while every rate and utilization was divided by --duration.
  if (f.requests !== undefined && f.duration !== undefined) throw new UsageError("--requests sets the run's length from the rate; give it or --duration, not both");
  if (f.rate !== undefined) o.rate = rateFlag('--rate', f.rate);
  if (f.users !== undefined) o.users = intFlag('--users', f.users, 1, LIMITS.users);
  if (f.thinkTime !== undefined) o.thinkTime = { dist: 'exp', mean: durationFlag('--think-time', f.thinkTime, { zero: true }), cv: 1 };
  if (f.duration !== undefined) o.duration = durationFlag('--duration', f.duration);
  if (f.warmup !== undefined) o.warmup = durationFlag('--warmup', f.warmup, { zero: true });
  if (f.seed !== undefined) o.seed = intFlag('--seed', f.seed, 0, SEED_MAX);
  if (f.method !== undefined) o.method = choiceFlag('--method', f.method, ['des', 'analytic'] as const);
  if (f.replications !== undefined) o.replications = intFlag('--replications', f.replications, 1, LIMITS.replications);
  if (f.hostCores !== undefined) o.host = { cores: intFlag('--host-cores', f.hostCores, 1, 4096) };
  if (f.poolWeight !== undefined) {
    if (!o.host) throw new UsageError('--pool-weight needs --host-cores (it is how the host shares its cores)');
    o.host.poolWeight = fractionFlag('--pool-weight', f.poolWeight);
  }
  if (f.cpuSharing !== undefined) {
    if (!o.host) throw new UsageError('--cpu-sharing needs --host-cores (it is how the host shares its cores)');
    o.host.sharing = choiceFlag('--cpu-sharing', f.cpuSharing, ['thread', 'process'] as const);
    if (o.host.sharing === 'process' && o.host.poolWeight !== undefined) throw new UsageError('--pool-weight weighs the thread pools in thread sharing; with --cpu-sharing process a pool thread shares its process’s part like any other');
  }
  if (f.cpuSlice !== undefined) {
    if (!o.host) throw new UsageError('--cpu-slice needs --host-cores (it is how the host hands out its cores)');
    if (o.host.sharing === 'thread' || o.host.poolWeight !== undefined) throw new UsageError('--cpu-slice hands the cores out per process (--cpu-sharing process), not per thread at --pool-weight');
    o.host.sharing = 'process';
    o.host.slice = sliceFlag('--cpu-slice', f.cpuSlice);
  }
  if (f.balance !== undefined) o.balance = choiceFlag('--balance', f.balance, ['least-connections', 'round-robin', 'random'] as const);
  if (f.requests !== undefined) o.requests = intFlag('--requests', f.requests, 1, LIMITS.desRequests);
  if (f.targetRate !== undefined) o.targetRate = rateFlag('--target-rate', f.targetRate);
  if (f.arrivals !== undefined) {
    o.arrivals = choiceFlag('--arrivals', f.arrivals, ['poisson', 'paced'] as const);
    if (o.arrivals === 'paced' && o.users !== undefined) throw new UsageError('--arrivals paced needs an open workload (--rate), not --users');
  }
  return o;
}
