// The HTML report of hand-made report data (report-data.ts), exactly where it matters: names from
// a blueprint stay text (escaping, links, images, raw HTML), a rendered diagram is inlined with
// its script, imports and remote URLs removed, the charts sit before the lint section, and the
// latency chart's y axis is capped as charts() says. In milliseconds, for the mutation run.
import { describe, expect, it } from 'vitest';
import { charts, CSP, escHtml, renderHtml } from '../../src/report/html.js';
import { fullReport } from './report-data.js';

const DIAGRAM = 'flowchart LR\n  app --> db\n';

describe('renderHtml', () => {
  it('escHtml: the five characters markup needs, ampersand first', () => {
    expect(escHtml(`<a href="x">'&amp;'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;amp;&#39;&lt;/a&gt;');
  });

  it('the page frame: doctype, CSP, title escaped, the markdown content with the details block kept as markup', () => {
    const r = fullReport();
    r.blueprint.title = 'Shop <b>&</b>';
    const html = renderHtml(r, { diagrams: { mono: DIAGRAM } });
    expect(html.startsWith(`<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="${CSP}">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>archsim: Shop &lt;b&gt;&amp;&lt;/b&gt;</title>\n<style>body{`)).toBe(true);
    expect(html.endsWith('</style>\n</head>\n<body>\n' + html.slice(html.indexOf('<body>\n') + 7, html.indexOf('\n</body>')) + '\n</body>\n</html>\n')).toBe(true);
    // The heading's raw HTML is escaped; the report's own <details>, <summary> and <sub> are not.
    expect(html).toContain('<h2>archsim: Shop &lt;b&gt;&amp;&lt;/b&gt;</h2>');
    expect(html).toContain('\n</pre>\n<details>\n<summary>Details: cost items, utilization, latency per operation</summary><h4>mono</h4>\n<table>');
    expect(html).toContain('</tbody></table>\n</details><p><sub>archsim test · blueprint shop.yaml</sub></p>\n\n</body>');
    // Without a rendered SVG the Mermaid text is shown, escaped, in place of the placeholder.
    expect(html).toContain('<h3>Layout mono</h3>\n<pre>flowchart LR\n  app --&gt; db\n</pre>');
    expect(html).not.toContain('DIAGRAM_');
    // The charts come right before the lint section, side by side.
    const at = html.indexOf('<h3>Load and cost</h3><div class="charts"><svg ');
    expect(at).toBeGreaterThan(html.indexOf('<h3>Changes since the baseline</h3>'));
    const lint = html.indexOf('</svg></div>\n<h3>Lint</h3>');
    expect(lint).toBeGreaterThan(at);
    expect(html.slice(at, lint).split('</svg><svg ')).toHaveLength(2);
    expect(html.match(/<h3>Lint<\/h3>/g)).toHaveLength(1);
  });

  it('links keep only http(s), mailto and in-page targets; images become their alt text', () => {
    const r = fullReport();
    r.blueprint.title = 'See [docs](https://x.test/a?b=1&c=2 "T<i>"), [old](HTTP://x.test), [mail](mailto:a@x.test), [here](#lint), [bad](javascript:alert(1)), [rel](docs/x.md) ![pic <b>](https://x.test/p.png)';
    const html = renderHtml(r);
    expect(html).toContain(
      '<h2>archsim: See [docs](https://x.test/a?b=1&amp;c=2 &quot;T&lt;i&gt;&quot;), [old](HTTP://x.test), [mail](mailto:a@x.test), [here](#lint), [bad](javascript:alert(1)), [rel](docs/x.md) ![pic &lt;b&gt;](https://x.test/p.png)</h2>',
    );
    // A link whose target only contains "https:" later is not a web link.
    r.blueprint.title = '[x](javascript:void("https:"))';
    expect(renderHtml(r)).toContain('<h2>archsim: [x](javascript:void(&quot;https:&quot;))</h2>');
  });

  it('a rendered SVG is inlined without its XML declaration, scripts, imports or remote URLs', () => {
    const svg =
      '<?xml version="1.0" encoding="UTF-8"?><svg id="d"><script>one()</script><g id="keep"/><SCRIPT type="a">\n two() \n</SCRIPT>' +
      '<style>@import url(https://evil.test/x.css);.a{fill:url(http://evil.test/i.png)}.b{fill:url("https://evil.test/j.png")}.c{fill:url(data:image/png;base64,AA)}</style></svg>';
    const html = renderHtml(fullReport(), { diagrams: { mono: DIAGRAM }, diagramSvgs: { mono: svg } });
    expect(html).toContain(
      '<h3>Layout mono</h3>\n<div class="diagram"><svg id="archsim-diagram-0"><g id="keep"/><style>.a{fill:none}.b{fill:none}.c{fill:url(data:image/png;base64,AA)}</style></svg></div>',
    );
    expect(html).not.toContain('<pre>flowchart');
  });
});

describe('charts', () => {
  it('latency: y axis up to 1.05 × the highest finite mean below 10 s, at least 10 ms; axis labels', () => {
    const r = fullReport();
    r.layouts[0]!.sweep = [
      { rateRps: 100, meanMs: 12, p95Ms: 30 },
      { rateRps: 200, meanMs: 40, p95Ms: 90 },
      { rateRps: 300, meanMs: null, p95Ms: null },
    ];
    // 10 s and more are overload, not a scale: left out of the cap.
    r.layouts[1]!.sweep = [
      { rateRps: 100, meanMs: 10_000, p95Ms: 20_000 },
      { rateRps: 200, meanMs: 20_000, p95Ms: 40_000 },
    ];
    r.layouts[0]!.costCurve = [{ rateRps: 100, monthlyUsd: 40, replicas: { app: 2 } }];
    r.layouts[1]!.costCurve = [{ rateRps: 100, monthlyUsd: 65.5, replicas: { cart: 2, web: 1 } }];
    const [latency, cost] = charts(r);
    // 40 × 1.05 = 42: step 10 (42 / 5 = 8.4 → 10), axis end 50.
    const yTicks = (svg: string) => [...svg.matchAll(/<text x="58" y="[\d.]+" text-anchor="end">([\d.]+)<\/text>/g)].map((m) => m[1]);
    expect(yTicks(latency!)).toEqual(['0', '10', '20', '30', '40', '50']);
    expect(latency).toContain('text-anchor="middle">requests per second</text>');
    expect(latency).toContain('rotate(-90)" text-anchor="middle">mean latency (ms)</text>');
    // mono's two finite means; past saturation no point.
    expect(latency).toMatch(/<path d="M[\d.]+ [\d.]+ L[\d.]+ [\d.]+" fill="none" stroke="#1f77b4" stroke-width="2"><title>mono<\/title>/);
    expect(cost).toContain('aria-label="Monthly cost to hold the load (replicas at target utilization, up to the rate replicas can hold)"');
    expect(cost).toContain('text-anchor="middle">requests per second</text>');
    expect(cost).toContain('rotate(-90)" text-anchor="middle">US dollars per month</text>');
    // Cost, uncapped: 65.5 → step 10 (65.5 / 5 = 13.1 → 1 × 10), axis end 70.
    expect(yTicks(cost!)).toEqual(['0', '10', '20', '30', '40', '50', '60', '70']);
    // Means all small: the 10 ms floor (× 1.05 = 10.5 → step 2, end 12).
    r.layouts[0]!.sweep = [{ rateRps: 100, meanMs: 1, p95Ms: 2 }];
    r.layouts[1]!.sweep = [{ rateRps: 100, meanMs: null, p95Ms: null }];
    expect(yTicks(charts(r)[0]!)).toEqual(['0', '2', '4', '6', '8', '10', '12']);
  });
});
