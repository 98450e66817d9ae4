// Command-line options of simulate, compare and sweep → engine options. Every bad value is a
// one-line usage error (exit 2); a bad scenario file is a positioned error (exit 2).
import { readInput } from '../io/read-input.js';
import { LIMITS } from '../model/limits.js';
import { fileURLToPath } from 'node:url';
import { InputError, didYouMean, type Diagnostic } from '../model/diagnostics.js';
import { parseDuration, parseRate } from '../model/units.js';
import type { Blueprint } from '../model/schema.js';
import { parseScenario, type Scenario } from '../simulate/scenario.js';
import type { SimulateOptions } from '../simulate/simulate.js';
import { UsageError } from './io.js';

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
  balance?: string;
  requests?: string;
  targetRate?: string;
  json?: boolean;
}

export const BUNDLED_SCENARIOS = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

export function rateOption(v: string, flag = '--rate'): number {
  const r = parseRate(/^[0-9.]+$/.test(v.trim()) ? `${v}/s` : v);
  if (!r.ok) throw new UsageError(`${flag} ${v}: ${/over the maximum|finite/.test(r.message) ? r.message : 'expected a positive rate such as 200 or 200/s'}`);
  if (!(r.value > 0)) throw new UsageError(`${flag} ${v}: expected a positive rate such as 200 or 200/s`);
  return r.value;
}

export function durationOption(v: string, flag: string): number {
  const r = parseDuration(/^[0-9.]+$/.test(v.trim()) ? `${v}s` : v);
  if (!r.ok) throw new UsageError(`${flag} ${v}: ${/over the maximum|finite/.test(r.message) ? r.message : 'expected a duration such as 60s or 500ms'}`);
  return r.value;
}

export function intOption(v: string, flag: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} ${v}: expected an integer ≥ ${min}`);
  if (n > max) throw new UsageError(`${flag} ${v}: at most ${max}`);
  return n;
}

export function checkLayout(bp: Blueprint, name: string | undefined): string {
  const names = Object.keys(bp.layouts);
  if (!name) {
    if (names.length === 1) return names[0]!;
    throw new UsageError(`--layout is required; layouts: ${names.join(', ')}`);
  }
  if (!bp.layouts[name]) throw new UsageError(`unknown layout "${name}"${didYouMean(name, names)}; layouts: ${names.join(', ')}`);
  return name;
}

/** Read and validate a scenario file; errors come back as file:line:col. */
export function loadScenario(path: string): { scenario: Scenario; locate: (p: (string | number)[]) => { file: string; line: number; col: number } } {
  const t = readInput(path);
  if (!t.ok) throw new InputError([{ file: path, line: 1, col: 1, path: [], message: t.message, severity: 'error' }]);
  const r = parseScenario(t.text, path);
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
  if (f.rate !== undefined) o.rate = rateOption(f.rate);
  if (f.users !== undefined) o.users = intOption(f.users, '--users', 1, LIMITS.users);
  if (f.thinkTime !== undefined) o.thinkTime = { dist: 'exp', mean: durationOption(f.thinkTime, '--think-time'), cv: 1 };
  if (f.duration !== undefined) o.duration = durationOption(f.duration, '--duration');
  if (f.warmup !== undefined) o.warmup = durationOption(f.warmup, '--warmup');
  if (f.seed !== undefined) o.seed = intOption(f.seed, '--seed', 0);
  if (f.method !== undefined) {
    if (f.method !== 'des' && f.method !== 'analytic') throw new UsageError(`--method ${f.method}: expected des or analytic`);
    o.method = f.method;
  }
  if (f.replications !== undefined) o.replications = intOption(f.replications, '--replications', 1, LIMITS.replications);
  if (f.hostCores !== undefined) o.host = { cores: intOption(f.hostCores, '--host-cores', 1, 4096) };
  if (f.balance !== undefined) {
    if (f.balance !== 'least-connections' && f.balance !== 'round-robin') throw new UsageError(`--balance ${f.balance}: expected least-connections or round-robin`);
    o.balance = f.balance;
  }
  if (f.requests !== undefined) o.requests = intOption(f.requests, '--requests', 1, LIMITS.desRequests);
  if (f.targetRate !== undefined) o.targetRate = rateOption(f.targetRate, '--target-rate');
  return o;
}
