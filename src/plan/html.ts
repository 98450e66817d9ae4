// The plan as one self-contained HTML page (inline CSS and SVG, no script, no fetch): the
// markdown's content, a timeline of the phases, and per-phase charts of cost, latency,
// saturation and fault isolation. Raw HTML in the markdown is escaped, never passed through:
// blueprint text is hostile input. Pure.
import { Marked } from 'marked';
import { lineChart } from '../report/charts.js';
import { CSP, noAutolinks, safeLinkRenderers } from '../report/html.js';
import { renderPlanMarkdown } from './markdown.js';
import type { Plan } from './schema.js';
import { markupText } from '../model/markup.js';

const esc = markupText;

const CSS = `body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1b1f24;line-height:1.45}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.3rem .6rem}th{background:#f6f8fa}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}pre{background:#f6f8fa;padding:.5rem;overflow-x:auto}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.timeline{overflow-x:auto}`;

/**
 * Markdown → HTML with every raw HTML token shown as text, bare addresses as text, and links and
 * images limited as in the report (noAutolinks, safeLinkRenderers: web, mail and in-page links
 * only, images as their alt text): a plan file read back with `report --plan` is hostile input
 * like a blueprint.
 */
const md = new Marked({ gfm: true, async: false, tokenizer: noAutolinks, renderer: { html: ({ text }: { text: string }) => esc(text), ...safeLinkRenderers } });

/** Markdown → HTML as the plan page renders it (for testing the rules above on their own). */
export function planMarkdownToHtml(text: string): string {
  return md.parse(text) as string;
}

/** Phases as bars on a day axis (the gantt without a renderer). */
export function timeline(p: Plan): string {
  const phases = p.phases.filter((ph) => ph.effort);
  const total = Math.max(1, p.totals.calendarDays);
  const W = 900;
  const L = 200;
  const row = 22;
  const H = 30 + phases.length * row + 24;
  const x = (d: number) => L + (d / total) * (W - L - 20);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="phase timeline" font-family="system-ui, sans-serif" font-size="11">`];
  parts.push(`<text x="${W / 2}" y="16" text-anchor="middle" font-size="13" font-weight="600">Phases by working day (build, data, canary)</text>`);
  phases.forEach((ph, i) => {
    const y = 28 + i * row;
    const e = ph.effort!;
    const label = `${ph.layout}: ${ph.extractions.map((x) => x.unit).join(', ') || 'layout change'}`;
    parts.push(`<text x="${L - 6}" y="${y + 12}" text-anchor="end">${esc(label.length > 34 ? `${label.slice(0, 33)}…` : label)}</text>`);
    let d = e.startDay;
    for (const [len, color, what] of [
      [e.buildDays, '#1f77b4', 'build'],
      [e.dataDays, '#ff7f0e', 'data'],
      [e.canaryDays, '#2ca02c', 'canary'],
    ] as const) {
      if (len > 0) parts.push(`<rect x="${x(d).toFixed(1)}" y="${y}" width="${Math.max(1, x(d + len) - x(d)).toFixed(1)}" height="16" fill="${color}"><title>${esc(`${ph.layout} ${what}: ${len} days`)}</title></rect>`);
      d += len;
    }
  });
  parts.push(`<text x="${x(total).toFixed(1)}" y="${H - 6}" text-anchor="end">day ${total}</text><text x="${L}" y="${H - 6}">day 0</text>`);
  parts.push('</svg>');
  return parts.join('');
}

export function planCharts(p: Plan): string[] {
  const withF = p.phases.filter((ph) => ph.figures);
  // A phase over capacity has no finite latency (null): it has no point on that chart.
  const series = (name: string, v: (ph: (typeof withF)[number]) => number | null) => ({
    name,
    points: withF.flatMap((ph) => {
      const y = v(ph);
      return y === null ? [] : [[ph.index, y] as [number, number]];
    }),
  });
  return [
    lineChart({ title: 'Monthly cost per phase', xLabel: 'phase', yLabel: 'US dollars per month', series: [series('cost', (ph) => ph.figures!.monthlyUsd)] }),
    lineChart({ title: 'Mean latency of the mix per phase', xLabel: 'phase', yLabel: 'ms', series: [series('mean latency', (ph) => ph.figures!.meanMs)] }),
    lineChart({ title: 'Saturation throughput per phase', xLabel: 'phase', yLabel: 'requests per second', series: [series('saturates at', (ph) => ph.figures!.saturationRps)] }),
    lineChart({ title: 'Fault isolation per phase', xLabel: 'phase', yLabel: '% of requests surviving one unit down', series: [series('fault isolation', (ph) => ph.figures!.faultIsolation * 100)] }),
  ];
}

/** The body (for embedding in the report) and the full page. */
export function renderPlanBody(p: Plan): string {
  let body = md.parse(renderPlanMarkdown(p)) as string;
  const extra = `<div class="timeline">${timeline(p)}</div>\n<div class="charts">${planCharts(p).join('')}</div>`;
  body = body.replace(/<h2[^>]*>Schedule<\/h2>/, (h) => `${h}\n${extra}`);
  return body;
}

export function renderPlanHtml(p: Plan): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>archsim plan: ${esc(p.blueprint)}</title>
<style>${CSS}</style>
</head>
<body>
${renderPlanBody(p)}
</body>
</html>
`;
}
