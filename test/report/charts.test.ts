// The SVG line chart of the HTML report, coordinate by coordinate: a 640 × 320 canvas, margins
// 64 left, 16 right, 36 top, 48 bottom (a plot 560 wide, 236 high), "nice" steps of 1, 2, 5 or 10
// × a power of ten, one decimal.
import { describe, expect, it } from 'vitest';
import { lineChart } from '../../src/report/charts.js';

const two = () => ({
  title: 'a < b & "c"',
  xLabel: 'rate',
  yLabel: 'ms',
  series: [
    { name: 'mono', points: [[0, 0], [50, 20], [100, Infinity]] as [number, number][] },
    { name: 'micro', points: [[100, 40]] as [number, number][] },
  ],
  markers: [{ x: 50, label: 'knee', series: 1 }],
});

describe('lineChart', () => {
  it('scales to nice axis ends: x 0…100 in steps of 20, y 0…40 in steps of 10; each series a path of its finite points', () => {
    // x: 100 / 6 = 16.7 → step 20, end 100; px(x) = 64 + 5.6x. y: 40 / 5 = 8 → step 10, end 40;
    // py(y) = 272 − 5.9y.
    const svg = lineChart(two());
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 320" width="640" height="320" role="img" aria-label="a &lt; b &amp; &quot;c&quot;"')).toBe(true);
    expect(svg).toContain('<text x="320" y="18" text-anchor="middle" font-size="13" font-weight="600">a &lt; b &amp; &quot;c&quot;</text>');
    expect([...svg.matchAll(/<text x="([\d.]+)" y="286" text-anchor="middle">([\d.]+)<\/text>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['64', '0'], ['176', '20'], ['288', '40'], ['400', '60'], ['512', '80'], ['624', '100'],
    ]);
    expect([...svg.matchAll(/<text x="58" y="([\d.]+)" text-anchor="end">([\d.]+)<\/text>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['276', '0'], ['217', '10'], ['158', '20'], ['99', '30'], ['40', '40'],
    ]);
    expect([...svg.matchAll(/<path d="([^"]+)" fill="none" stroke="(#[0-9a-f]+)" stroke-width="2"><title>(\w+)<\/title><\/path>/g)].map((m) => [m[1], m[2], m[3]])).toEqual([
      ['M64 272 L344 154', '#1f77b4', 'mono'],
    ]);
    // One finite point is no line: a dot (chart-markers-curves.test.ts).
    expect(svg).toContain('<circle cx="624" cy="36" r="4" fill="#d62728"><title>micro</title></circle>');
    // Axes, their labels, the legend (one row), and the marker in its series' colour.
    expect(svg).toContain('<line x1="64" y1="272" x2="624" y2="272" stroke="#333"/><line x1="64" y1="36" x2="64" y2="272" stroke="#333"/>');
    expect(svg).toContain('<text x="344" y="310" text-anchor="middle">rate</text>');
    expect(svg).toContain('<text transform="translate(14 154) rotate(-90)" text-anchor="middle">ms</text>');
    expect(svg).toContain('<rect x="74" y="40" width="10" height="10" fill="#1f77b4"/><text x="88" y="49">mono</text>');
    expect(svg).toContain('<rect x="204" y="40" width="10" height="10" fill="#d62728"/><text x="218" y="49">micro</text>');
    expect(svg).toContain('<line x1="344" y1="36" x2="344" y2="272" stroke="#d62728" stroke-dasharray="4 3"/><text x="347" y="88" fill="#d62728">knee</text>');
    expect(svg.endsWith('</svg>')).toBe(true);
  });

  it('a y cap clamps what lies above it to the top of the plot', () => {
    // yMax 30: 30 / 5 = 6 → step 5, end 30; py(20) = 272 − 236 × 2/3 = 114.7, py(40) clamped to 36.
    const svg = lineChart({ ...two(), yMax: 30 });
    expect([...svg.matchAll(/<path d="([^"]+)"/g)].map((m) => m[1])).toEqual(['M64 272 L344 114.7']);
    expect(svg).toContain('<circle cx="624" cy="36" r="4"');
    expect([...svg.matchAll(/text-anchor="end">([\d.]+)</g)].map((m) => m[1])).toEqual(['0', '5', '10', '15', '20', '25', '30']);
  });

  it('steps at their boundaries: range / 5 of exactly 1.5, 3 and 7 × 10ⁿ take the next step up', () => {
    const yLabels = (yMax: number) => [...lineChart({ ...two(), yMax }).matchAll(/text-anchor="end">([\d.]+)</g)].map((m) => m[1]);
    expect(yLabels(7.5)).toEqual(['0', '2', '4', '6', '8']);
    expect(yLabels(15)).toEqual(['0', '5', '10', '15']);
    expect(yLabels(35)).toEqual(['0', '10', '20', '30', '40']);
    // Just below each boundary, the step below.
    expect(yLabels(7)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(yLabels(14)).toEqual(['0', '2', '4', '6', '8', '10', '12', '14']);
    expect(yLabels(30)).toEqual(['0', '5', '10', '15', '20', '25', '30']);
  });

  it('a series with no finite point draws no path but keeps its legend entry', () => {
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: [{ name: 'gone', points: [[10, Infinity]] }] });
    expect(svg).not.toContain('<path');
    expect(svg).toContain('<text x="88" y="49">gone</text>');
    // No finite point: the axes fall back to 0…1 (steps of 0.2).
    expect([...svg.matchAll(/y="286" text-anchor="middle">([\d.]+)</g)].map((m) => m[1])).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
  });
});
