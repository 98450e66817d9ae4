// The HTML report's charts when the report's rate is far past every layout's saturation
// (ridehail at 8000/s; monolith saturates at 1317/s, grpc-mesh at 750/s): the x axis ran to 900
// from the finite points alone, so the monolith marker sat at x1="883.7" in a 640-wide chart, the
// monolith curve was one "M" (nothing drawn) and grpc-mesh had only its legend entry.
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { charts } from '../../src/report/html.js';
import { lineChart } from '../../src/report/charts.js';
import { runReport } from '../../src/report/run.js';

const PLOT = { left: 64, right: 624 };

/** Tick labels of the x axis, and the pixel ↔ value map they give. */
function xAxis(svg: string): (px: number) => number {
  const ticks = [...svg.matchAll(/<text x="([\d.]+)" y="286" text-anchor="middle">([\d.]+)<\/text>/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  const [x0, v0] = ticks[0]!;
  const [x1, v1] = ticks.at(-1)!;
  return (px) => ((px - x0) / (x1 - x0)) * (v1 - v0) + v0;
}
const markersOf = (svg: string) => [...svg.matchAll(/<line x1="([\d.]+)" y1="36" x2="[\d.]+" y2="272" stroke="#[0-9a-f]{6}" stroke-dasharray="4 3"\/><text[^>]*>([^<]*)<\/text>/g)].map((m) => [m[2]!, Number(m[1])] as const);
const pathsOf = (svg: string) => [...svg.matchAll(/<path d="([^"]*)"[^>]*><title>([^<]*)<\/title>/g)].map((m) => [m[2]!, [...m[1]!.matchAll(/[ML]([\d.]+) ([\d.]+)/g)].length] as const);

describe('chart x range, markers and curves', () => {
  const { blueprint } = loadBlueprint('test/report/fixtures/ridehail.yaml');
  const run = runReport(blueprint, { file: 'ridehail.yaml', generator: 'archsim test', layouts: ['monolith', 'grpc-mesh'], scenarios: [], loadtests: [], rate: 8000 });
  const [latency, cost] = charts(run.report);

  it('every saturation marker is inside the plot, at its saturation rate', () => {
    const toRate = xAxis(latency!);
    const markers = markersOf(latency!);
    expect(markers.map(([label]) => label)).toEqual(['monolith saturates', 'grpc-mesh saturates']);
    for (const [, x] of markers) {
      expect(x).toBeGreaterThanOrEqual(PLOT.left);
      expect(x).toBeLessThanOrEqual(PLOT.right);
    }
    const sat = run.report.layouts.map((l) => l.saturation.throughputRps!);
    expect(sat).toEqual([1317.31, 749.63]);
    markers.forEach(([, x], i) => expect(Math.abs(toRate(x) - sat[i]!)).toBeLessThan(5));
  });

  it('every layout with two or more finite points has a curve of them all; the ones below saturation are there', () => {
    for (const l of run.report.layouts) {
      const finite = l.sweep.filter((p) => p.meanMs !== null);
      expect(finite.length).toBeGreaterThanOrEqual(8);
      expect(finite.every((p) => p.rateRps < l.saturation.throughputRps!)).toBe(true);
    }
    expect(pathsOf(latency!)).toEqual(run.report.layouts.map((l) => [l.name, l.sweep.filter((p) => p.meanMs !== null).length]));
    expect(pathsOf(cost!)).toEqual(run.report.layouts.map((l) => [l.name, l.costCurve.length]));
    for (const [, n] of [...pathsOf(latency!), ...pathsOf(cost!)]) expect(n).toBeGreaterThanOrEqual(2);
  });
});

describe('lineChart: one point, no point, a marker past the points', () => {
  const svg = lineChart({
    title: 't',
    xLabel: 'x',
    yLabel: 'y',
    series: [
      { name: 'one', points: [[40, 10], [80, Infinity]] },
      { name: 'none', points: [[80, Infinity]], empty: 'past saturation at every load' },
      { name: 'two', points: [[20, 5], [40, 8]] },
    ],
    markers: [{ x: 130, label: 'one saturates', series: 0 }],
  });

  it('the x axis reaches the marker (0…140 in steps of 20), drawn right-anchored inside the plot', () => {
    expect([...svg.matchAll(/y="286" text-anchor="middle">([\d.]+)</g)].map((m) => m[1])).toEqual(['0', '20', '40', '60', '80', '100', '120', '140']);
    // 130 / 6 = 21.7 → steps of 20 to 140: px(130) = 64 + 560 × 130/140 = 584
    expect(svg).toContain('<line x1="584" y1="36" x2="584" y2="272" stroke="#1f77b4" stroke-dasharray="4 3"/><text x="581" y="76" text-anchor="end" fill="#1f77b4">one saturates</text>');
  });

  it('a single finite point is a circle, no point at all is said in the chart, two points are a path', () => {
    // px(40) = 224; y: 10 / 5 = 2 → step 2, end 10: py(10) = 36
    expect(svg).toContain('<circle cx="224" cy="36" r="4" fill="#1f77b4"><title>one</title></circle>');
    expect(svg).toContain('<text x="74" y="264" fill="#d62728">none: past saturation at every load</text>');
    expect(pathsOf(svg)).toEqual([['two', 2]]);
    // every legend entry stays
    expect([...svg.matchAll(/height="10" fill="#[0-9a-f]+"\/><text x="\d+" y="\d+">(\w+)<\/text>/g)].map((m) => m[1])).toEqual(['one', 'none', 'two']);
  });
});
