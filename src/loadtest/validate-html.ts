// validate-model's page: per direction and layout, latency against load, predicted (lines) and
// measured (points with their 95% intervals), p50 and p95 of the whole mix, and the error table.
// Pure: the validation in, one self-contained HTML document out (no scripts, no remote assets).
import { signedPct, type Direction, type LayoutComparison, type LevelComparison, type ModelValidation } from './validate-model.js';
import { markupText } from '../model/markup.js';

const esc = markupText;
const pct = signedPct;
const num = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : '—');

function chart(l: LayoutComparison): string {
  const W = 420;
  const H = 220;
  const pad = { l: 48, r: 12, t: 12, b: 36 };
  const pts = l.levels.filter((x) => x.rate > 0);
  if (!pts.length) return '';
  const ys = pts.flatMap((x) => [x.total.predicted.p95, x.total.measured.p95, x.total.measured.p95Interval?.hi ?? 0].filter(Number.isFinite));
  const xMax = Math.max(...pts.map((x) => x.rate)) * 1.1;
  const yMax = Math.max(1, ...ys) * 1.1;
  const X = (v: number) => pad.l + (v / xMax) * (W - pad.l - pad.r);
  const Y = (v: number) => H - pad.b - (Math.min(v, yMax) / yMax) * (H - pad.t - pad.b);
  const line = (pick: (x: (typeof pts)[number]) => number, cls: string) => `<polyline class="${cls}" points="${pts.map((x) => `${X(x.rate).toFixed(1)},${Y(pick(x)).toFixed(1)}`).join(' ')}"/>`;
  const marks = (key: 'p50' | 'p95', cls: string) =>
    pts
      .map((x) => {
        const iv = key === 'p50' ? x.total.measured.p50Interval : x.total.measured.p95Interval;
        const v = x.total.measured[key];
        const bar = iv ? `<line class="${cls}" x1="${X(x.rate).toFixed(1)}" x2="${X(x.rate).toFixed(1)}" y1="${Y(iv.lo).toFixed(1)}" y2="${Y(iv.hi).toFixed(1)}"/>` : '';
        return `${bar}<circle class="${cls}" cx="${X(x.rate).toFixed(1)}" cy="${Y(v).toFixed(1)}" r="3.5"><title>${esc(`${key} measured ${num(v)} ms at ${num(x.rate, 1)}/s${iv ? ` (95%: ${num(iv.lo)}–${num(iv.hi)})` : ''}`)}</title></circle>`;
      })
      .join('');
  const ticks = [0, 0.5, 1].map((f) => `<text x="${pad.l - 6}" y="${Y(f * yMax) + 4}" text-anchor="end">${num(f * yMax, 0)}</text>`).join('') + pts.map((x) => `<text x="${X(x.rate)}" y="${H - pad.b + 16}" text-anchor="middle">${num(x.rate, 0)}</text>`).join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(`latency against load, ${l.layout}`)}">
<line class="axis" x1="${pad.l}" y1="${H - pad.b}" x2="${W - pad.r}" y2="${H - pad.b}"/><line class="axis" x1="${pad.l}" y1="${pad.t}" x2="${pad.l}" y2="${H - pad.b}"/>
${ticks}<text x="${(W + pad.l) / 2}" y="${H - 6}" text-anchor="middle">offered load, req/s</text><text x="12" y="${pad.t + 10}">ms</text>
${line((x) => x.total.predicted.p50, 'p50 pred')}${line((x) => x.total.predicted.p95, 'p95 pred')}${marks('p50', 'p50')}${marks('p95', 'p95')}
</svg>`;
}

/** The level's two error cells: the medians, or "saturated (both)" with each side's reason. */
function errorCells(x: LevelComparison): string {
  const { measured, predicted } = x.saturated;
  const why = [measured ? `measured: ${measured}` : '', predicted ? `predicted: ${predicted}` : ''].filter(Boolean).join('; ');
  if (measured && predicted) return `<td colspan="2" title="${esc(why)}">saturated (both)</td>`;
  const tag = why ? ` <small title="${esc(why)}">(${measured ? 'meas.' : 'pred.'} saturated)</small>` : '';
  return `<td>${pct(x.median.p50).replace('+', '')}${tag}</td><td>${pct(x.median.p95).replace('+', '')}${tag}</td>`;
}

function layoutSection(l: LayoutComparison): string {
  const rows = l.levels
    .map(
      (x) =>
        `<tr><td>${Math.round(x.fraction * 100)}%</td><td>${num(x.rate, 1)}</td><td>${num(x.total.predicted.p50)}</td><td>${num(x.total.measured.p50)}${x.total.measured.p50Interval ? ` <small>(${num(x.total.measured.p50Interval.lo)}–${num(x.total.measured.p50Interval.hi)})</small>` : ''}</td><td>${num(x.total.predicted.p95)}</td><td>${num(x.total.measured.p95)}${x.total.measured.p95Interval ? ` <small>(${num(x.total.measured.p95Interval.lo)}–${num(x.total.measured.p95Interval.hi)})</small>` : ''}</td>${errorCells(x)}<td>${num(x.cpu.predicted)} / ${x.cpu.measured === null ? '—' : `${num(x.cpu.measured)} <small>(${pct(x.cpu.error)})</small>`}</td></tr>`,
    )
    .join('\n');
  const mt = l.maxThroughput;
  return `<section><h3>${esc(l.layout)} <small>(${l.role})</small></h3>
${chart(l)}
<table><thead><tr><th>level</th><th>req/s</th><th>p50 pred</th><th>p50 measured (95%)</th><th>p95 pred</th><th>p95 measured (95%)</th><th>median |err| p50</th><th>median |err| p95</th><th>CPU of the requests, cores: pred / measured</th></tr></thead><tbody>
${rows}
</tbody></table>
<p>Maximum throughput of the mix: predicted ${num(mt.predicted, 0)}/s, measured ${num(mt.measured, 0)}/s${mt.measuredInterval ? ` (95%: ${num(mt.measuredInterval.lo, 0)}–${num(mt.measuredInterval.hi, 0)})` : ''}, error ${pct(mt.error)}.</p></section>`;
}

function directionSection(d: Direction): string {
  return `<h2>Calibrated on ${esc(d.calibrateOn)}</h2>
<p>Median |error| over the predicted layouts: p50 ${pct(d.summary.p50).replace('+', '')}, p95 ${pct(d.summary.p95).replace('+', '')}, maximum throughput ${pct(d.summary.maxThroughput).replace('+', '')}. Calibration layout reproduced: worst level p50 ${pct(d.reproduced.p50).replace('+', '')}, p95 ${pct(d.reproduced.p95).replace('+', '')}, maximum throughput ${pct(d.reproduced.maxThroughput).replace('+', '')}. Predicted levels compared on latency: ${d.saturation.compared} (saturated when measured only: ${d.saturation.measuredOnly}, when predicted only: ${d.saturation.predictedOnly}); saturated on both sides and not compared: ${d.saturation.both}.${d.withinInterval ? ` Inside the measurement's own 95% interval (over its windows): p50 ${pct(d.withinInterval.p50).replace('+', '')}, p95 ${pct(d.withinInterval.p95).replace('+', '')} of ${d.withinInterval.figures} operation-levels.` : ''}</p>
<p><small>Calibration inputs (${d.inputs.length} runs, all of layout ${esc([...new Set(d.inputs.map((i) => i.layout))].join(', '))}): ${esc(d.inputs.map((i) => `${i.model === 'closed' ? 'capacity (closed)' : `${i.rate}/s`} at ${i.started}`).join('; '))}</small></p>
${d.layouts.map(layoutSection).join('\n')}`;
}

export function validationHtml(v: ModelValidation): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(`archsim validate-model: ${v.blueprint}`)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;max-width:70rem;color:#222}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}th{background:#f4f4f4}
section{margin:1rem 0 2rem}svg text{font-size:11px;fill:#555}.axis{stroke:#888}
polyline{fill:none;stroke-width:2}.p50.pred{stroke:#1f77b4}.p95.pred{stroke:#d62728;stroke-dasharray:5 3}
circle.p50{fill:#1f77b4}circle.p95{fill:#d62728}line.p50{stroke:#1f77b4}line.p95{stroke:#d62728}
</style></head><body>
<h1>Predicted vs measured latency against load: ${esc(v.blueprint)}</h1>
<p>Machine: ${v.machine.cores} × ${esc(v.machine.cpu)}, Node ${esc(v.machine.node)}; load average ${v.machine.loadAverage.map((x) => x.toFixed(2)).join(' → ')} (start → end; the machine may be shared).</p>
<p>How measured: ${esc(v.method)}.</p>
<p>Lines: predicted p50 (blue) and p95 (red, dashed). Points: measured, with the 95% interval over the windows.</p>
${v.directions.map(directionSection).join('\n')}
<h2>Notes</h2><ul>${v.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>
</body></html>
`;
}
