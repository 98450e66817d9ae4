// validate-model's page: one self-contained document, every name escaped, intervals shown.
import { describe, expect, it } from 'vitest';
import { validationHtml } from '../../src/loadtest/validate-html.js';
import type { ModelValidation } from '../../src/loadtest/validate-model.js';

const iv = (mean: number) => ({ mean, lo: mean * 0.9, hi: mean * 1.1, n: 2, level: 0.95 });
const level = (fraction: number, rate: number, pred: number, meas: number, saturated: { measured: string | null; predicted: string | null } = { measured: null, predicted: null }) => ({
  fraction,
  rate,
  operations: [{ id: 'a.b', predicted: { p50: pred, p95: pred * 2 }, measured: { p50: meas, p95: meas * 2, p50Interval: iv(meas), p95Interval: iv(meas * 2) }, error: { p50: (pred - meas) / meas, p95: (pred - meas) / meas } }],
  total: { predicted: { p50: pred, p95: pred * 2 }, measured: { p50: meas, p95: meas * 2, p50Interval: iv(meas), p95Interval: iv(meas * 2) } },
  median: saturated.measured && saturated.predicted ? { p50: Number.NaN, p95: Number.NaN } : { p50: Math.abs(pred - meas) / meas, p95: Math.abs(pred - meas) / meas },
  saturated,
  cpu: { predicted: rate / 100, measured: fraction === 0.9 ? null : rate / 80, error: fraction === 0.9 ? Number.NaN : 0.8 - 1, units: { predicted: rate / 100, measured: null }, databases: { predicted: 0, measured: null } },
});

const v: ModelValidation = {
  blueprint: '<img src=x onerror=alert(1)>',
  machine: { cores: 2, cpu: 'EPYC', node: 'v20', loadAverage: [1, 2] },
  method: 'embedded driver & "quotes"',
  directions: [
    {
      calibrateOn: 'mono<script>',
      overlay: '/tmp/x.yaml',
      idleSlowdown: null,
      coldVisit: null,
      coldVisitDb: null,
      uncorrected: null,
      inputs: [{ layout: 'mono<script>', started: 't', model: 'open', rate: 10 }, { layout: 'mono<script>', started: 'u', model: 'closed', rate: null }],
      layouts: [{ layout: 'micro</svg><script>alert(1)</script>', role: 'predicted', speed: null, levels: [level(0.25, 10, 5, 4), level(0.5, 20, 8, 10), level(0.75, 30, 900, 700, { measured: 'lag "<b>"', predicted: 'db<i> saturated' }), level(0.9, 36, 12, 400, { measured: 'backlog', predicted: null })], maxThroughput: { predicted: 50, measured: 40, measuredInterval: iv(40), error: 0.25, method: 'closed' } }],
      summary: { p50: 0.2, p95: 0.2, maxThroughput: 0.25 },
      reproduced: { p50: 0.05, p95: 0.05, maxThroughput: 0.02 },
      saturation: { compared: 3, both: 1, measuredOnly: 1, predictedOnly: 0 },
      withinInterval: { p50: 0.25, p95: 0.5, figures: 4 },
    },
  ],
  notes: ['<b>note</b>'],
};

describe('validationHtml', () => {
  it('escapes every name and shows predicted lines, measured points and their intervals', () => {
    const html = validationHtml(v);
    expect(html).not.toMatch(/<script>|<img|<b>note/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('micro&lt;/svg&gt;&lt;script&gt;');
    expect(html).toContain('embedded driver &amp; &quot;quotes&quot;');
    // the calibration's inputs: a level by its rate, the capacity run by its name
    expect(html).toContain('10/s at t; capacity (closed) at u');
    expect(html.match(/<svg /g)).toHaveLength(1);
    expect(html.match(/<polyline class="p50 pred"/g)).toHaveLength(1);
    expect(html.match(/<circle class="p95"/g)).toHaveLength(4);
    // the interval bars: one per measured point
    expect(html.match(/<line class="p50"/g)).toHaveLength(4);
    // A level saturated on both sides is not compared; each side's reason is in its title, escaped.
    expect(html).toContain('<td colspan="2" title="measured: lag &quot;&lt;b&gt;&quot;; predicted: db&lt;i&gt; saturated">saturated (both)</td>');
    expect(html).not.toMatch(/<i>|"<b>"/);
    // Saturated when measured only: its errors stay, marked.
    expect(html).toContain('97% <small title="measured: backlog">(meas. saturated)</small>');
    expect(html).toContain('Predicted levels compared on latency: 3 (saturated when measured only: 1, when predicted only: 0); saturated on both sides and not compared: 1.');
    expect(html).toContain('Inside the measurement’s own 95% interval (over its windows): p50 25%, p95 50% of 4 operation-levels.'.replace('’', "'"));
    // without intervals (one window a level), no such sentence
    expect(validationHtml({ ...v, directions: [{ ...v.directions[0]!, withinInterval: null }] })).not.toContain('Inside the measurement');
    expect(html).toMatch(/Maximum throughput of the mix: predicted 50\/s, measured 40\/s \(95%: 36–44\), error \+25%/);
    // the requests' CPU per level, predicted / measured, or the prediction alone
    expect(html).toContain('<td>0.20 / 0.25 <small>(-20%)</small></td>');
    expect(html).toContain('<td>0.36 / —</td>');
    expect(html).not.toMatch(/https?:\/\//);
  });
});
