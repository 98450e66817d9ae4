// A whole report (collect → markdown, JSON, HTML) of a two-station network whose figures are
// worked out by hand, in milliseconds: the in-process check of build, run, html and charts that the
// mutation run can afford for every mutant (examples-in-process.test.ts rebuilds the bundled
// examples byte for byte, seconds each).
//
// a.op runs 10 ms (exponential) on ua (1 replica) and calls b.op, 5 ms on ub (1 replica of 2
// workers: one queue, so M/M/2 exactly; replicas under least-connections are solved as
// join-the-shortest-queue, which has no closed form); the mix
// is half each at 100/s. ua: ρ = 50/s × 10 ms = 0.5, M/M/1 response 10 / 0.5 = 20 ms. ub: 100/s ×
// 5 ms = 0.5 Erlang on 2 servers, Erlang C = 0.1, wait 0.1 / (2/5 − 0.1) = 1/3 ms, response
// 16/3 ms. So a.op 20 + 16/3 = 25.333 ms, b.op 5.333 ms; ua saturates first, at 200/s of the mix;
// alone a.op reaches 1 / 10 ms = 100/s, b.op 2 / 5 ms = 400/s.
import { describe, expect, it } from 'vitest';
import { renderReport, runReport } from '../../src/report/run.js';
import { network } from '../simulate/builder.js';

const run = () => runReport(network([{ mean: 10 }, { mean: 5, servers: 2 }]), { file: 'built.yaml', generator: 'archsim test', layouts: ['one'], scenarios: [], loadtests: [], points: 3 });

describe('a report worked out by hand', () => {
  it('JSON: saturation, utilization, latency means, hops and throughput alone', () => {
    const { report } = run();
    expect(report.workload.rateRps).toBe(100);
    const l = report.layouts[0]!;
    expect(l.name).toBe('one');
    expect(l.structure.units.map((u) => [u.name, u.replicas, u.domains])).toEqual([['ua', 1, ['a']], ['ub', 1, ['b']]]);
    expect(l.saturation).toEqual({ throughputRps: 200, bottleneck: 'ua', utilizationAtWorkload: 0.5 });
    expect(l.stations).toEqual([{ id: 'ua', utilization: 0.5 }, { id: 'ub', utilization: 0.25 }]);
    expect(l.operations.map((o) => [o.id, o.route, o.meanMs, o.hops, o.units, o.maxThroughputRps])).toEqual([
      ['a.op', 'GET /a', 25.333, 1, ['ua', 'ub'], 100],
      ['b.op', 'GET /b', 5.333, 0, ['ub'], 400],
    ]);
    // Percentiles from the analytic solver's gamma fit (pinned by its own exact tests): ordered, and
    // the median of an M/M/1-dominated path below its mean.
    for (const o of l.operations) expect(o.p50Ms! < o.meanMs! && o.meanMs! < o.p95Ms! && o.p95Ms! < o.p99Ms!).toBe(true);
    // The load curve: 3 points up to 1.25 × saturation (250/s); past saturation no latency.
    expect(l.sweep.map((p) => p.rateRps)).toEqual([83.3, 167, 250]);
    expect(l.sweep[2]).toEqual({ rateRps: 250, meanMs: null, p95Ms: null });
    expect(l.sweep[0]!.meanMs! < l.sweep[1]!.meanMs!).toBe(true);
    expect(l.cost).toEqual({
      monthlyUsd: 0,
      perMillionRequestsUsd: 0,
      items: [
        { component: 'ua', kind: 'unit', instance: null, count: 1, usdEach: 0, usdPerMonth: 0 },
        { component: 'ub', kind: 'unit', instance: null, count: 1, usdEach: 0, usdPerMonth: 0 },
      ],
    });
    expect(report.summary).toBe('one: saturates at 200/s (bottleneck ua), $0 per month.');
    expect(report.baseline).toBeNull();
    expect(report.budgets).toBeNull();
  });

  it('markdown: the summary, the comparison table and the per-operation rows', () => {
    const md = renderReport('md', run());
    expect(md.startsWith('## archsim: built\n\n**one**: saturates at 200/s (bottleneck ua), $0 per month.\n')).toBe(true);
    expect(md).toContain('| max throughput (workload mix) | 200/s (ua) |');
    expect(md).toContain('| lint | 0 errors, 0 warnings |');
    expect(md).toContain('| ua | 50% |\n| ub | 25% |');
    expect(md).toMatch(/\n\| a\.op \| 25\.3 ms \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ ms \| 1 \| 100\/s \|\n\| b\.op \| 5\.33 ms \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ ms \| 0 \| 400\/s \|\n/);
    expect(md).toContain('  u_ua -->|"1 call"| u_ub');
    expect(md.trimEnd().endsWith('<sub>archsim test · blueprint built.yaml</sub>')).toBe(true);
  });

  it('HTML: the same figures as table cells, the Mermaid text without Chromium, the two charts', () => {
    const r = run();
    const html = renderReport('html', r);
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).toContain('<title>archsim: built</title>');
    expect(html).toContain('<td>max throughput (workload mix)</td>\n<td align="right">200/s (ua)</td>');
    expect(html).toContain('<td>lint</td>\n<td align="right">0 errors, 0 warnings</td>');
    expect(html).toContain('u_ua --&gt;|&quot;1 call&quot;| u_ub');
    expect(html).toContain('aria-label="Mean latency of the workload mix against load"');
    expect(html).toContain('aria-label="Monthly cost to hold the load (replicas at target utilization, up to the rate replicas can hold)"');
    expect(html).toMatch(/fill="#1f77b4">one saturates<\/text>/);
    // The latency curve plots the two points below saturation (250/s has none): one path, two points.
    const latency = html.slice(html.indexOf('aria-label="Mean latency'), html.indexOf('</svg>', html.indexOf('aria-label="Mean latency')));
    expect([...latency.matchAll(/<path d="M[\d.]+ [\d.]+ L[\d.]+ [\d.]+"/g)]).toHaveLength(1);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    // Given rendered SVGs, they replace the Mermaid text.
    const withSvg = renderReport('html', r, { one: '<svg id="drawn"></svg>' });
    // (its root id made the page's own: two diagrams must not share one, html-diagram-ids.test.ts)
    expect(withSvg).toContain('<svg id="archsim-diagram-0"></svg>');
    expect(withSvg).not.toContain('u_ua --&gt;|&quot;1 call&quot;| u_ub');
  });
});
