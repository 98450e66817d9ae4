// Small, dependency-free SVG line charts for the HTML report: latency against load and monthly
// cost against load. Pure and deterministic (fixed precision), so reports diff cleanly.
import { pageText } from './page-text.js';

export interface Series {
  name: string;
  points: [number, number][];
  /** Why the series has no finite point, said in the chart in place of its curve (default: a generic reason). */
  empty?: string;
}

export interface Marker {
  x: number;
  label: string;
  series: number;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  markers?: Marker[];
  /** Cap the y axis (latency near saturation grows without bound). */
  yMax?: number;
}

const W = 640;
const H = 320;
const M = { l: 64, r: 16, t: 36, b: 48 };
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

const f = (n: number) => (Math.round(n * 10) / 10).toString();
// Names come from the blueprint: on one line, controls and bidi characters shown as escapes, as in the page around it.
const escXml = pageText;

function niceStep(range: number, ticks: number): number {
  const raw = range / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw || 1));
  const norm = raw / mag;
  return (norm < 1.5 ? 1 : norm < 3 ? 2 : norm < 7 ? 5 : 10) * mag;
}

export function lineChart(spec: ChartSpec): string {
  const pts = spec.series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const markers = (spec.markers ?? []).filter((m) => Number.isFinite(m.x) && m.x >= 0);
  // The x axis reaches every drawn point and every marker: a saturation marker past the last
  // finite point was drawn off the canvas (x1="883.7" in a 640-wide chart).
  const xMax = Math.max(1, ...pts.map(([x]) => x), ...markers.map((m) => m.x));
  const yTop = spec.yMax ?? Math.max(1, ...pts.map(([, y]) => y));
  const xStep = niceStep(xMax, 6);
  const yStep = niceStep(yTop, 5);
  const xEnd = Math.ceil(xMax / xStep) * xStep;
  const yEnd = Math.ceil(yTop / yStep) * yStep;
  const px = (x: number) => M.l + (x / xEnd) * (W - M.l - M.r);
  const py = (y: number) => H - M.b - (Math.min(y, yEnd) / yEnd) * (H - M.t - M.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escXml(spec.title)}" font-family="system-ui, sans-serif" font-size="11">`);
  parts.push(`<text x="${W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${escXml(spec.title)}</text>`);
  for (let x = 0; x <= xEnd + 1e-9; x += xStep) {
    parts.push(`<line x1="${f(px(x))}" y1="${M.t}" x2="${f(px(x))}" y2="${H - M.b}" stroke="#eee"/>`);
    parts.push(`<text x="${f(px(x))}" y="${H - M.b + 14}" text-anchor="middle">${f(x)}</text>`);
  }
  for (let y = 0; y <= yEnd + 1e-9; y += yStep) {
    parts.push(`<line x1="${M.l}" y1="${f(py(y))}" x2="${W - M.r}" y2="${f(py(y))}" stroke="#eee"/>`);
    parts.push(`<text x="${M.l - 6}" y="${f(py(y) + 4)}" text-anchor="end">${f(y)}</text>`);
  }
  parts.push(`<line x1="${M.l}" y1="${H - M.b}" x2="${W - M.r}" y2="${H - M.b}" stroke="#333"/><line x1="${M.l}" y1="${M.t}" x2="${M.l}" y2="${H - M.b}" stroke="#333"/>`);
  parts.push(`<text x="${(M.l + W - M.r) / 2}" y="${H - 10}" text-anchor="middle">${escXml(spec.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(M.t + H - M.b) / 2}) rotate(-90)" text-anchor="middle">${escXml(spec.yLabel)}</text>`);
  // Legend in rows of as many entries as fit across the plot.
  const perRow = Math.max(1, Math.floor((W - M.l - M.r - 10) / 130));
  let emptyNotes = 0;
  spec.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length]!;
    const finite = s.points.filter(([, y]) => Number.isFinite(y));
    const title = `<title>${escXml(s.name)}</title>`;
    if (finite.length >= 2) {
      const d = finite.map(([x, y], j) => `${j ? 'L' : 'M'}${f(px(x))} ${f(py(y))}`).join(' ');
      parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2">${title}</path>`);
    } else if (finite.length === 1) {
      // One point is no line (a path of one "M" draws nothing): a dot, so the layout is seen.
      const [x, y] = finite[0]!;
      parts.push(`<circle cx="${f(px(x))}" cy="${f(py(y))}" r="4" fill="${color}">${title}</circle>`);
    } else {
      // No point at all: the chart says why, above the x axis, rather than a legend entry alone.
      parts.push(`<text x="${M.l + 10}" y="${H - M.b - 8 - emptyNotes * 13}" fill="${color}">${escXml(`${s.name}: ${s.empty ?? 'no finite point to draw'}`)}</text>`);
      emptyNotes++;
    }
    const lx = M.l + 10 + (i % perRow) * 130;
    const ly = M.t + 4 + Math.floor(i / perRow) * 14;
    parts.push(`<rect x="${lx}" y="${ly}" width="10" height="10" fill="${color}"/><text x="${lx + 14}" y="${ly + 9}">${escXml(s.name)}</text>`);
  });
  for (const m of markers) {
    const color = COLORS[m.series % COLORS.length]!;
    const x = px(m.x);
    parts.push(`<line x1="${f(x)}" y1="${M.t}" x2="${f(x)}" y2="${H - M.b}" stroke="${color}" stroke-dasharray="4 3"/>`);
    // Past the middle of the plot the label runs leftwards, so it stays on the canvas.
    const right = x > (M.l + W - M.r) / 2;
    parts.push(`<text x="${f(right ? x - 3 : x + 3)}" y="${M.t + 40 + m.series * 12}"${right ? ' text-anchor="end"' : ''} fill="${color}">${escXml(m.label)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
