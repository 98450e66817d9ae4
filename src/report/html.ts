// The HTML report: one self-contained file (inline CSS and SVG, no script, no network fetch,
// a Content-Security-Policy that forbids both) with the markdown report's content, the layout diagrams rendered to SVG, and two charts.
import { Marked, type RendererThis, type Tokens } from 'marked';
import { lineChart } from './charts.js';
import { renderMarkdown } from './markdown.js';
import type { Report } from './schema.js';
import { markupText } from '../model/markup.js';
import { pageText } from './page-text.js';

export interface HtmlOptions {
  /** Mermaid source per layout (kept in the page as a fallback when no SVG is given). */
  diagrams?: Record<string, string>;
  /** Rendered SVG per layout (from mermaid-cli). */
  diagramSvgs?: Record<string, string>;
}

const CSS = `body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;max-width:1100px;margin:2rem auto;padding:0 1rem;color:#1b1f24;line-height:1.45}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #d0d7de;padding:.3rem .6rem}th{background:#f6f8fa}
td[align=right],th[align=right]{text-align:right}code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}
.diagram{overflow-x:auto;border:1px solid #d0d7de;border-radius:6px;padding:.5rem;margin:.5rem 0 1rem}.diagram svg{max-width:100%;height:auto}
.charts{display:flex;flex-wrap:wrap;gap:1rem}details{margin:1rem 0}pre{background:#f6f8fa;padding:.5rem;overflow-x:auto}`;

export const escHtml = markupText;

/**
 * The page runs no script and loads nothing: inline styles and data: images only. A name that
 * somehow became markup still could not execute or phone home.
 */
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'";

/** The only raw HTML the markdown renderer itself writes (report/markdown.ts); everything else is text. */
const OWN_BLOCK_HTML = /^(?:\s|<\/?details>|<summary>[^<>]*<\/summary>)*$/;
const OWN_INLINE_HTML = /^<\/?sub>$/;

/**
 * Links keep only http(s), mailto and in-page targets (any other link becomes its text: no
 * `javascript:`, no relative path to a local file); images become their alt text, so a page
 * never loads anything. Markdown text from hostile input is escaped before it gets here; these
 * are the second line, and the plan's HTML (plan/html.ts) uses them too.
 */
export const safeLinkRenderers = {
  link(this: RendererThis, token: Tokens.Link): string {
    const text = this.parser.parseInline(token.tokens);
    if (!/^(https?:|mailto:|#)/i.test(token.href)) return text;
    return `<a href="${escHtml(token.href)}"${token.title ? ` title="${escHtml(token.title)}"` : ''}>${text}</a>`;
  },
  image(token: Tokens.Image): string {
    return escHtml(token.text);
  },
};

/**
 * A bare address in text (GFM's extended autolink: www.…, http(s)://…, a@b.c) stays text. Only
 * hostile text holds one (the report writes none itself), and it arrives escaped for markdown, so
 * a link made from it would carry the escapes' backslashes into its target. Returning undefined,
 * not false, keeps marked from falling back to its own autolink tokenizer.
 */
export const noAutolinks = { url: (): undefined => undefined };

/**
 * Markdown → HTML where every name, title and path from a blueprint or result file stays text:
 * raw HTML in the markdown is escaped unless it is the report's own fixed markup, bare addresses
 * stay text (noAutolinks), and links and images are limited as safeLinkRenderers says.
 */
const markdownToHtml = new Marked({
  async: false,
  gfm: true,
  tokenizer: noAutolinks,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag): string {
      const own = token.block ? OWN_BLOCK_HTML.test(token.text) : OWN_INLINE_HTML.test(token.text.trim());
      return own ? token.text : escHtml(token.text);
    },
    ...safeLinkRenderers,
  },
});

/** Markdown → HTML with the report's renderer (for testing the link and image rules on their own). */
export function reportMarkdownToHtml(md: string): string {
  return markdownToHtml.parse(md) as string;
}

/**
 * An SVG from mermaid-cli made safe to inline: no script, no external references. mermaid-cli
 * gives every diagram the same root id ("my-svg"), and every id and style rule inside starts
 * with it: two diagrams in one page repeated some thirty ids (invalid HTML, and each diagram's
 * arrows and styles resolved to the first one's). Each gets its own root id, `n` its place.
 */
function inlineSvg(svg: string, n: number): string {
  const root = /<svg\b[^>]*?\sid="([A-Za-z][\w-]*)"/.exec(svg)?.[1];
  if (root) {
    // Only where the id is one (an id attribute, a #reference, url(#…)), never in text.
    const own = new RegExp(`(id="|#)${root}(?=["_\\-\\s{),.:>\\[])`, 'g');
    svg = svg.replace(own, (_, lead: string) => `${lead}archsim-diagram-${n}`);
  }
  return svg
    .replace(/<\?xml[^>]*>/g, '')
    .replace(/<script[\s\S]*?<\/script>/gi, '')
    .replace(/@import[^;]+;/g, '')
    .replace(/url\((['"]?)https?:[^)]*\)/g, 'none');
}

export function charts(r: Report): string[] {
  const latency = lineChart({
    title: 'Mean latency of the workload mix against load',
    xLabel: 'requests per second',
    yLabel: 'mean latency (ms)',
    series: r.layouts.map((l) => ({ name: l.name, points: l.sweep.filter((p) => p.meanMs !== null).map((p) => [p.rateRps, p.meanMs!] as [number, number]), empty: 'past saturation at every load of the sweep, no latency to draw' })),
    // No marker where nothing limits the mix (null): there is no saturation point to draw.
    markers: r.layouts.flatMap((l, i) => (l.saturation.throughputRps === null ? [] : [{ x: l.saturation.throughputRps, label: `${l.name} saturates`, series: i }])),
    yMax: Math.max(10, ...r.layouts.flatMap((l) => l.sweep.map((p) => p.meanMs ?? 0)).filter((v) => v < 1e4)) * 1.05,
  });
  const cost = lineChart({
    title: 'Monthly cost to hold the load (replicas at target utilization, up to the rate replicas can hold)',
    xLabel: 'requests per second',
    yLabel: 'US dollars per month',
    series: r.layouts.map((l) => ({ name: l.name, points: l.costCurve.map((p) => [p.rateRps, p.monthlyUsd] as [number, number]), empty: 'holds none of the loads of the sweep, no cost to draw' })),
  });
  return [latency, cost];
}

export function renderHtml(r: Report, opts: HtmlOptions = {}): string {
  // The markdown carries the content; each mermaid block becomes its rendered SVG. The markdown
  // is written with a key in place of each diagram's source, and the key's code block is swapped
  // for the SVG: the layout name is escaped in the markdown, so it cannot be read back from there.
  const blocks = new Map<string, string>();
  const keys: Record<string, string> = {};
  for (const [name, source] of Object.entries(opts.diagrams ?? {})) {
    if (!source) continue;
    const key = `DIAGRAM_${blocks.size}`;
    const svg = opts.diagramSvgs?.[name];
    keys[name] = key;
    blocks.set(key, svg ? `<div class="diagram">${inlineSvg(svg, blocks.size)}</div>` : `<pre>${escHtml(source)}</pre>`);
  }
  let body = markdownToHtml.parse(renderMarkdown(r, { diagrams: keys })) as string;
  // Replacer functions, not replacement strings: the SVG and chart text hold names from the
  // blueprint, and a string replacement would expand their $' and $` into the page around them.
  for (const [key, html] of blocks) body = body.replace(`<pre><code class="language-mermaid">${key}\n</code></pre>`, () => html);
  const chartHtml = `<h3>Load and cost</h3><div class="charts">${charts(r).join('')}</div>`;
  body = body.replace('<h3>Lint</h3>', () => `${chartHtml}\n<h3>Lint</h3>`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>archsim: ${pageText(r.blueprint.title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}
