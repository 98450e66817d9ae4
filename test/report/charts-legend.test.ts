// The chart's grid and legend rows, which charts.test.ts leaves open: a grid line at every tick of
// both axes, a legend of four entries a row (560 − 10 = 550 px of plot for 130 px entries), the
// seventh series' colour wrapping round the palette of six, and markup characters in names.
import { describe, expect, it } from 'vitest';
import { lineChart } from '../../src/report/charts.js';

describe('lineChart grid and legend', () => {
  it('grid lines at each tick; legend entries four a row, 14 px apart; colours repeat after six; names escaped', () => {
    const names = ['a', 'b', 'c', 'd', 'e>f', 'g', 'h'];
    // x 0…100 (steps of 20), y 0…40 (steps of 10): px(x) = 64 + 5.6x, py(y) = 272 − 5.9y.
    const svg = lineChart({ title: 't', xLabel: 'x', yLabel: 'y', series: names.map((name, i) => ({ name, points: [[100, 40 - i] as [number, number]] })) });
    expect([...svg.matchAll(/<line x1="([\d.]+)" y1="36" x2="([\d.]+)" y2="272" stroke="#eee"\/>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['64', '64'], ['176', '176'], ['288', '288'], ['400', '400'], ['512', '512'], ['624', '624'],
    ]);
    expect([...svg.matchAll(/<line x1="64" y1="([\d.]+)" x2="624" y2="([\d.]+)" stroke="#eee"\/>/g)].map((m) => [m[1], m[2]])).toEqual([
      ['272', '272'], ['213', '213'], ['154', '154'], ['95', '95'], ['36', '36'],
    ]);
    expect([...svg.matchAll(/<rect x="(\d+)" y="(\d+)" width="10" height="10" fill="(#[0-9a-f]+)"\/><text x="(\d+)" y="(\d+)">([^<]+)<\/text>/g)].map((m) => m.slice(1).join(' '))).toEqual([
      '74 40 #1f77b4 88 49 a',
      '204 40 #d62728 218 49 b',
      '334 40 #2ca02c 348 49 c',
      '464 40 #9467bd 478 49 d',
      '74 54 #ff7f0e 88 63 e&gt;f',
      '204 54 #8c564b 218 63 g',
      '334 54 #1f77b4 348 63 h',
    ]);
  });
});
