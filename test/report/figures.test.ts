// Figure names and their formatting: what budgets, diffs and reports print, at the boundaries
// where the number of digits changes.
import { describe, expect, it } from 'vitest';
import { figuresOf, formatDelta, formatFigure } from '../../src/report/figures.js';
import { layoutFixture } from './fixture.js';

describe('figures of a layout report', () => {
  it('names every figure, in a stable order, with its value and unit', () => {
    const l = layoutFixture();
    l.faultIsolation = [{ scenario: 'db-down', description: 'the database is down', operations: [{ id: 'auth.login', successRate: 0.25 }] }];
    expect([...figuresOf(l)].map(([k, v]) => `${k}=${v.value} ${v.unit}`)).toEqual([
      'cost.monthly=172 USD',
      'cost.perMillion=0.3318 USD',
      'throughput=1850 /s',
      'mean(messages.send)=6.2 ms',
      'p50(messages.send)=5.1 ms',
      'p95(messages.send)=14.8 ms',
      'p99(messages.send)=22.4 ms',
      'throughput(messages.send)=2200 /s',
      'hops(messages.send)=3 hops',
      'mean(auth.login)=4.1 ms',
      'p50(auth.login)=3.3 ms',
      'p95(auth.login)=10.2 ms',
      'p99(auth.login)=15.9 ms',
      'throughput(auth.login)=1150 /s',
      'hops(auth.login)=1 hops',
      'utilization(auth-service)=0.12 ratio',
      'utilization(message-service)=0.21 ratio',
      'replicas(auth-service)=2 replicas',
      'replicas(message-service)=3 replicas',
      'success(db-down:auth.login)=0.25 ratio',
      'lint.errors=0 count',
      'lint.warnings=2 count',
    ]);
  });
});

describe('formatFigure', () => {
  it('prints each unit with its digits', () => {
    expect(formatFigure(null, 'ms')).toBe('—');
    expect(formatFigure(9.994, 'ms')).toBe('9.99 ms');
    expect(formatFigure(9.996, 'ms')).toBe('10 ms');
    expect(formatFigure(10, 'ms')).toBe('10 ms');
    expect(formatFigure(12.36, 'ms')).toBe('12.4 ms');
    expect(formatFigure(0, 'ms')).toBe('0 ms');
    expect(formatFigure(172, 'USD')).toBe('$172');
    expect(formatFigure(0.3318, 'USD')).toBe('$0.33');
    expect(formatFigure(1850.5, '/s')).toBe('1851/s');
    expect(formatFigure(1850.4, '/s')).toBe('1850/s');
    expect(formatFigure(0.21345, 'ratio')).toBe('21.3%');
    expect(formatFigure(1, 'ratio')).toBe('100%');
    expect(formatFigure(2.3456, 'count')).toBe('2.35');
    expect(formatFigure(3, 'replicas')).toBe('3');
  });
});

describe('formatDelta', () => {
  it('signs every change and never prints a real change as 0', () => {
    expect(formatDelta(0.0042, 'ms')).toBe('+0.004 ms');
    expect(formatDelta(-0.0042, 'ms')).toBe('−0.004 ms');
    expect(formatDelta(0.0126, 'ms')).toBe('+0.01 ms');
    expect(formatDelta(2.346, 'ms')).toBe('+2.35 ms');
    expect(formatDelta(9.994, 'ms')).toBe('+9.99 ms');
    expect(formatDelta(12.36, 'ms')).toBe('+12.4 ms');
    expect(formatDelta(-12.34, 'ms')).toBe('−12.3 ms');
    expect(formatDelta(0, 'ms')).toBe('±0 ms');
    expect(formatDelta(-6, 'USD')).toBe('−$6');
    expect(formatDelta(0.5, 'USD')).toBe('+$0.50');
    // rates by the one rule (words.ts rateRound): a decimal from 1/s, whole from 100/s
    expect(formatDelta(-12.6, '/s')).toBe('−12.6/s');
    expect(formatDelta(-126.4, '/s')).toBe('−126/s');
    expect(formatDelta(0.0123, 'ratio')).toBe('+1.2 pp');
    expect(formatDelta(-0.0127, 'ratio')).toBe('−1.3 pp');
    expect(formatDelta(1.2345, 'hops')).toBe('+1.23');
    expect(formatDelta(0, 'count')).toBe('±0');
  });
});
