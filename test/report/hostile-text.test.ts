// Hostile text from blueprints, load-test results, baselines and plan files in the markdown and
// HTML writers (report and plan). The project's rule: such text reaching Markdown or HTML is
// escaped for that target. Each case is one of the sweep's reproductions (/tmp/sweep-hostile),
// cut down to the hand-made report data of report-data.ts and a hand-made plan, and each fails
// on the writers as they were before the fix: the title written raw, table cells with only `|`
// and newlines escaped, the plan's gantt closing its own fence, the plan page without links
// limited or a CSP, and `$'` in a name expanded by a string replacement.
//
// "Inert" in the HTML means: no <script> or <img> element at all, and no tag whose attributes
// hold `javascript:` or an `on…=` handler. The hostile words themselves (`javascript:alert(1)`,
// `onerror=`) stay readable as text; escaping shows them, it does not delete them.
import { describe, expect, it } from 'vitest';
import { renderMarkdown, summaryLine } from '../../src/report/markdown.js';
import { CSP, renderHtml, reportMarkdownToHtml } from '../../src/report/html.js';
import { planMarkdownToHtml, renderPlanBody, renderPlanHtml } from '../../src/plan/html.js';
import { fenced, mdText, renderPlanMarkdown } from '../../src/plan/markdown.js';
import type { Plan } from '../../src/plan/schema.js';
import { fullReport } from './report-data.js';

/** One string with every construct that must stay text: a block quote, emphasis, line breaks (CR too), a heading, tags, a code span, a table pipe, a link, an image, an entity, a backslash. */
const HOSTILE = '> q _a_b_\r\n# hdr <script>alert(1)</script><img src=x onerror=alert(1)> `tick` | pipe [x](javascript:alert(1)) ![t](https://evil.example/t.png) &amp; \\ end';
/** HOSTILE as markdown text: one line, a backslash before each character that could start markup. */
const HOSTILE_MD = '\\> q \\_a_b\\_ \\# hdr \\<script\\>alert(1)\\</script\\>\\<img src=x onerror=alert(1)\\> \\`tick\\` \\| pipe \\[x\\](javascript:alert(1)) \\!\\[t\\](https://evil.example/t.png) \\&amp; \\\\ end';
/** HOSTILE as the HTML shows it: the same characters as text, the bare address too (no autolink). */
const HOSTILE_HTML = '&gt; q _a_b_ # hdr &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; `tick` | pipe [x](javascript:alert(1)) ![t](https://evil.example/t.png) &amp;amp; \\ end';

/** Every tag of the page that runs script or fetches: none may come from hostile text. */
function activeTags(html: string): string[] {
  return (html.match(/<[^<>]*>/g) ?? []).filter((tag) => /^<(script|img|iframe|object|embed)\b/i.test(tag) || /javascript:|\son\w+\s*=/i.test(tag));
}

/** The headings of a page, in order. */
function headings(html: string): string[] {
  return [...html.matchAll(/<h([1-6])>([\s\S]*?)<\/h\1>/g)].map((m) => `h${m[1]} ${m[2]}`);
}

/** The headings of the report of fullReport(), all of them its own (no diagrams given). */
const REPORT_HEADINGS = (title: string, layoutHeadings = ['h4 mono', 'h4 split']) => [
  `h2 archsim: ${title}`,
  'h3 Budgets',
  'h3 Changes since the baseline',
  'h3 Load and cost',
  'h3 Lint',
  'h3 Readiness checklist',
  'h3 Measured (load tests)',
  ...layoutHeadings,
];

describe('markdown text: the existing helper (plan/markdown.ts mdText), reused by the report', () => {
  it('escapes every markup character, joins lines (CR too), and leaves ordinary names alone', () => {
    expect(mdText(HOSTILE)).toBe(HOSTILE_MD);
    // Ids as a blueprint writes them read as they are: dots, dashes and underscores inside a word
    // need nothing (GFM reads no emphasis there), nor does a ">" between spaces after the start.
    expect(mdText('messages.send')).toBe('messages.send');
    expect(mdText('auth-service')).toBe('auth-service');
    expect(mdText('photo_analyses_2')).toBe('photo_analyses_2');
    expect(mdText('Team size > 5')).toBe('Team size > 5');
    // An underscore at a word's edge could open or close emphasis; a ">" at the start begins a
    // block quote, and one next to other text is escaped like the "<" it may close.
    expect(mdText('_x_ a__b')).toBe('\\_x\\_ a\\_\\_b');
    expect(mdText(' > q')).toBe(' \\> q');
    expect(mdText('a>b >')).toBe('a\\>b \\>');
    expect(reportMarkdownToHtml(mdText('_x_ photo_analyses'))).toBe('<p>_x_ photo_analyses</p>\n');
    // An entity stays as typed: "&lt;" is four characters, not "<".
    expect(mdText('&lt;b&gt;')).toBe('\\&lt;b\\&gt;');
    expect(reportMarkdownToHtml(mdText('&lt;b&gt; &#106;'))).toBe('<p>&amp;lt;b&amp;gt; &amp;#106;</p>\n');
  });

  it('fenced: the fence is one backtick longer than the longest run inside, at least three', () => {
    expect(fenced('mermaid', 'flowchart LR')).toBe('```mermaid\nflowchart LR\n```');
    expect(fenced('mermaid', 'a\n```\nb ````` c')).toBe('``````mermaid\na\n```\nb ````` c\n``````');
    // The text after a fence of its own stays inside the block.
    expect(reportMarkdownToHtml(fenced('mermaid', 'x\n```\n# out <b>'))).toBe('<pre><code class="language-mermaid">x\n```\n# out &lt;b&gt;\n</code></pre>\n');
  });
});

describe('defect 2: the markdown report escapes every piece of free text', () => {
  it('the blueprint title (sweep t1): escaped in the markdown heading, text in the HTML heading', () => {
    const r = fullReport();
    r.blueprint.title = HOSTILE;
    const md = renderMarkdown(r);
    expect(md.startsWith(`## archsim: ${HOSTILE_MD}\n\n**split** vs **mono**`)).toBe(true);
    const html = renderHtml(r);
    expect(headings(html)).toEqual(REPORT_HEADINGS(HOSTILE_HTML));
    expect(activeTags(html)).toEqual([]);
    // The page title is HTML-escaped from the raw title (a title element holds text only), on one
    // line as the heading shows it (html-page-text.test.ts: control and bidi characters too).
    expect(html).toContain('<title>archsim: &gt; q _a_b_ # hdr &lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt; `tick` | pipe [x](javascript:alert(1)) ![t](https://evil.example/t.png) &amp;amp; \\ end</title>');
  });

  it('names in the tables and the summary (layout, operation, station, cost item, bottleneck, fault, lint, checklist, file)', () => {
    const r = fullReport();
    const [mono, split] = r.layouts;
    mono!.name = 'mono <b>x</b>';
    split!.name = '[s](javascript:alert(1))';
    mono!.operations[0]!.id = 'cart.add\r\n# OPINJ';
    r.workload.mix = { 'cart.add\r\n# OPINJ': 0.75, 'cart.view': 0.25 };
    mono!.stations[0]!.id = 'app`x';
    mono!.cost.items[0]!.component = '![i](https://evil.example/i.png)';
    mono!.saturation.bottleneck = 'app|db';
    mono!.faultIsolation[0]!.scenario = 'db-down <script>';
    mono!.lint.findings[0] = { rule: '_r_', severity: 'warning', message: 'm\r\n<img src=x onerror=alert(1)>', where: null };
    r.checklist = { score: 1, of: 8, recommendation: '**Split**', firstToExtract: '<u>cart</u>', derived: ['d#1'], answered: ['a [x](javascript:1)'] };
    r.blueprint.file = 'my_bp <i>.yaml';
    r.budgets = null;
    r.baseline = null;
    r.loadtests = [];
    const md = renderMarkdown(r);
    expect(md).toContain('**\\[s\\](javascript:alert(1))** vs **mono \\<b\\>x\\</b\\>** at 50/s:');
    expect(md).toContain('|  | mono \\<b\\>x\\</b\\> | \\[s\\](javascript:alert(1)) |\n| --- | ---: | ---: |\n| cart.add \\# OPINJ p50 / p95 |');
    expect(md).toContain('| max throughput (workload mix) | 320/s (app\\|db) | 480/s (cart) |');
    expect(md).toContain('| fault: db-down \\<script\\> | 1/2 operations keep working | — |');
    expect(md).toContain('| mono \\<b\\>x\\</b\\> | warning | \\_r\\_ | m \\<img src=x onerror=alert(1)\\> |');
    expect(md).toContain('Score **1/8**: \\*\\*Split\\*\\*. First to extract: **\\<u\\>cart\\</u\\>**. Answered: a \\[x\\](javascript:1). Derived from the blueprint: d\\#1.');
    expect(md).toContain('#### mono \\<b\\>x\\</b\\>\n\n| cost item | count | each | per month |\n| --- | ---: | ---: | ---: |\n| \\!\\[i\\](https://evil.example/i.png) | 2 | $20 | $40 |');
    expect(md).toContain('| station | utilization |\n| --- | ---: |\n| app\\`x | 15.6% |');
    expect(md).toContain('| cart.add \\# OPINJ | 10 ms | 8 ms | 30 ms | 45 ms | 0 | 400/s |');
    expect(md).toContain('<sub>archsim test · blueprint my_bp \\<i\\>.yaml</sub>');
    // The summary line on its own is the plain-text one (report/run.ts prints it); escaped only in the markdown.
    expect(summaryLine(r)).toContain('**[s](javascript:alert(1))** vs **mono <b>x</b>** at 50/s:');
    expect(summaryLine(r, mdText)).toContain('**\\[s\\](javascript:alert(1))** vs **mono \\<b\\>x\\</b\\>** at 50/s:');
    const html = renderHtml(r);
    expect(activeTags(html)).toEqual([]);
    expect(headings(html)).toEqual(['h2 archsim: Shop', 'h3 Load and cost', 'h3 Lint', 'h3 Readiness checklist', 'h4 mono &lt;b&gt;x&lt;/b&gt;', 'h4 [s](javascript:alert(1))']);
    expect(html).toContain('<td>m &lt;img src=x onerror=alert(1)&gt;</td>');
    expect(html).toContain('<p><sub>archsim test · blueprint my_bp &lt;i&gt;.yaml</sub></p>');
  });

  it('load-test results and baseline changes (sweep t4): operation ids, layouts, drivers and causes', () => {
    const r = fullReport();
    r.loadtests = [{ file: 'r.json', layout: 'mono\n```\n## LAYOUT-INJ <img src=x onerror=alert(1)>', driver: 'k6 `d`', operations: [{ id: HOSTILE, throughput: 15, p50Ms: 2.607, p95Ms: 5.091, errors: 0 }] }];
    r.baseline!.changes = [
      { layout: 'app\r\n# BLINJ', figure: 'x', before: 1, after: 2, delta: 1, pct: 100, unit: 'ms', text: 'orders.get | x | y `code', causes: ['![t](https://evil.example/b.png)', '<script>alert(3)</script>'] },
    ];
    const md = renderMarkdown(r);
    expect(md).toContain(
      '| layout | driver | operation | throughput | p50 | p95 | errors |\n| --- | --- | --- | ---: | ---: | ---: | ---: |\n' +
        `| mono \\\`\\\`\\\` \\#\\# LAYOUT-INJ \\<img src=x onerror=alert(1)\\> | k6 \\\`d\\\` | ${HOSTILE_MD} | 15/s | 2.61 ms | 5.09 ms | 0 |\n`,
    );
    expect(md).toContain('| layout | change | cause |\n| --- | --- | --- |\n| app \\# BLINJ | orders.get \\| x \\| y \\`code | \\!\\[t\\](https://evil.example/b.png); \\<script\\>alert(3)\\</script\\> |\n');
    const html = renderHtml(r);
    expect(activeTags(html)).toEqual([]);
    expect(headings(html)).toEqual(REPORT_HEADINGS('Shop'));
    expect(html).toContain(`<td>mono \`\`\` ## LAYOUT-INJ &lt;img src=x onerror=alert(1)&gt;</td>\n<td>k6 \`d\`</td>\n<td>${HOSTILE_HTML}</td>`);
  });

  it('a budget expression with a backtick cannot end its code span', () => {
    const r = fullReport();
    r.budgets!.results[0]!.budget = 'p95(x) < 1` <img src=x onerror=alert(1)>';
    r.budgets!.results[1]!.budget = 'cost | x';
    const md = renderMarkdown(r);
    expect(md).toContain('| ✅ | p95(x) \\< 1\\` \\<img src=x onerror=alert(1)\\> | mono | 30 ms |\n| ❌ | `cost \\| x` | split | $65.50 |');
    expect(activeTags(renderHtml(r))).toEqual([]);
  });

  it('a diagram cannot close its own fence', () => {
    const r = fullReport();
    const md = renderMarkdown(r, { diagrams: { mono: 'flowchart LR\n```\n# DIAG <script>alert(1)</script>\n' } });
    expect(md).toContain('### Layout mono\n\n````mermaid\nflowchart LR\n```\n# DIAG <script>alert(1)</script>\n````\n\n<details>');
  });
});

describe('defect 3: $ patterns in blueprint text do not duplicate the HTML report', () => {
  it("an event name with $' and $` in a diagram (sweep t3), and a layout name with them in the charts", () => {
    const r = fullReport();
    const diagram = "flowchart LR\n  app -- \"evA$'$`\" --> db\n";
    let html = renderHtml(r, { diagrams: { mono: diagram } });
    expect(html).toContain("<h3>Layout mono</h3>\n<pre>flowchart LR\n  app -- &quot;evA$&#39;$`&quot; --&gt; db\n</pre>\n<details>");
    expect(headings(html)).toEqual([...REPORT_HEADINGS('Shop', []), 'h3 Layout mono', 'h4 mono', 'h4 split']);
    expect(html.match(/<\/html>/g)).toHaveLength(1);
    // The same through a rendered SVG.
    html = renderHtml(r, { diagrams: { mono: diagram }, diagramSvgs: { mono: "<svg><text>evA$'$`</text></svg>" } });
    expect(html).toContain("<h3>Layout mono</h3>\n<div class=\"diagram\"><svg><text>evA$'$`</text></svg></div>\n<details>");
    expect(headings(html)).toEqual([...REPORT_HEADINGS('Shop', []), 'h3 Layout mono', 'h4 mono', 'h4 split']);
    // A layout name reaches the charts' legends, which go in before the lint section.
    r.layouts[1]!.name = "split$'$`";
    html = renderHtml(r);
    expect(headings(html)).toEqual(REPORT_HEADINGS('Shop', ['h4 mono', "h4 split$&#39;$`"]));
    expect(html.match(/<\/html>/g)).toHaveLength(1);
    expect(html.match(/<div class="charts">/g)).toHaveLength(1);
  });
});

/** A small plan by hand: one phase, no figures; the gantt and the table's engines as a hostile plan file has them (sweep w1). */
function plan(over: Partial<Plan> = {}): Plan {
  return {
    kind: 'archsim-plan',
    version: 1,
    blueprint: 'shop',
    from: 'mono',
    to: 'split',
    mode: 'auto',
    chain: ['mono', 'split'],
    order: [{ unit: 'orders-svc', why: 'score 1' }],
    risks: [],
    notes: [],
    team: 3,
    canaryPercents: [10, 100],
    maxErrorRate: 0.01,
    effortModel: {},
    method: 'analytic',
    phases: [
      { index: 0, layout: 'mono', units: ['app'], extractions: [], notes: [], problems: [], sharedDatastores: [], triggers: [], layoutInput: {} },
      {
        index: 1,
        layout: 'phase-1',
        units: ['orders-svc', 'app'],
        extractions: [
          {
            unit: 'orders-svc',
            domains: ['orders'],
            why: 'score 1',
            score: 1,
            routes: [],
            data: [{ table: 'orders', from: { store: 'db', engine: 'postgres [e](javascript:alert(2))' }, to: { store: 'odb', engine: 'postgres ![p](https://evil.example/e.png)' }, steps: [] }],
          },
        ],
        notes: [],
        problems: [],
        sharedDatastores: [],
        triggers: [],
        layoutInput: {},
      },
    ],
    totals: { personDays: 0, calendarDays: 0 },
    gantt: 'gantt\n```\n\n[click me](javascript:alert(1)) ![px](https://evil.example/p.png) <script>alert(1)</script>\n\n```mermaid\n',
    howObtained: 'By hand.',
    ...over,
  };
}

describe('defect 1: the plan in markdown and HTML (a hostile --plan file, sweep w1)', () => {
  it('the gantt stays inside its code block: a longer fence', () => {
    const md = renderPlanMarkdown(plan());
    expect(md).toContain(
      '## Schedule\n\n````mermaid\ngantt\n```\n\n[click me](javascript:alert(1)) ![px](https://evil.example/p.png) <script>alert(1)</script>\n\n```mermaid\n````\n\n## Phase 0: mono\n',
    );
    // A table's engine is escaped like its store.
    expect(md).toContain('- Table orders: db (postgres \\[e\\](javascript:alert(2))) → odb (postgres \\!\\[p\\](https://evil.example/e.png))\n');
  });

  it('the plan HTML: no javascript: link, no remote image, no script; the gantt is code', () => {
    for (const html of [renderPlanBody(plan()), renderPlanHtml(plan())]) {
      expect(activeTags(html)).toEqual([]);
      expect(html).toContain(
        '<pre><code class="language-mermaid">gantt\n```\n\n[click me](javascript:alert(1)) ![px](https://evil.example/p.png) &lt;script&gt;alert(1)&lt;/script&gt;\n\n```mermaid\n</code></pre>',
      );
      expect(html).toContain('<li>Table orders: db (postgres [e](javascript:alert(2))) → odb (postgres ![p](https://evil.example/e.png))</li>');
      expect(headings(html)).toEqual(['h1 Migration plan: shop, mono → split', 'h2 Extraction order', 'h2 Figures per phase', 'h2 Schedule', 'h2 Phase 0: mono', 'h2 Phase 1: phase-1', 'h3 Extract orders-svc (orders)']);
    }
  });

  it('the standalone plan page has the report’s Content-Security-Policy', () => {
    const html = renderPlanHtml(plan());
    expect(html.startsWith(`<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="${CSP}">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>archsim plan: shop</title>\n`)).toBe(true);
    expect(html.match(/Content-Security-Policy/g)).toHaveLength(1);
  });

  it('links and images: web, mail and in-page links only, images as their alt text, bare addresses as text; the report and plan pages alike', () => {
    // Hostile text is escaped before it is markdown, so no link or image token comes from it; these
    // rules are the second line, the same for both pages (report/html.ts safeLinkRenderers, noAutolinks).
    // The scheme must start the target: "javascript:…//https:" holds a web scheme, but is not one.
    const md =
      'See [docs](https://x.test/a "T<i>"), [mail](mailto:a@x.test), [here](#lint), [bad](javascript:alert(1)), [Bad](JavaScript:alert(1)), [hid](javascript:alert(1)//https:), [data](data:text/html,x), [plain](http://x.test/b), [rel](docs/x.md) ![pic <b>](https://evil.example/p.png) ![local](p.png) https://evil.example/x www.evil.example';
    const html =
      '<p>See <a href="https://x.test/a" title="T&lt;i&gt;">docs</a>, <a href="mailto:a@x.test">mail</a>, <a href="#lint">here</a>, bad, Bad, hid, data, <a href="http://x.test/b">plain</a>, rel pic &lt;b&gt; local https://evil.example/x www.evil.example</p>\n';
    expect(reportMarkdownToHtml(md)).toBe(html);
    expect(planMarkdownToHtml(md)).toBe(html);
  });
});

describe('control characters in Markdown text', () => {
  // `report` prints its Markdown to stdout: an ESC sequence or an OSC 52 clipboard write in a
  // title acted on the terminal that showed it.
  it('are shown escaped, so nothing reaches a terminal that moves the cursor or writes the clipboard', () => {
    const t = mdText('Shop \u001b[31mRED\u001b[0m \u001b]52;c;ZXZpbA==\u0007 \u202eevil \u009b2J');
    expect(t).toBe('Shop \\x1b\\[31mRED\\x1b\\[0m \\x1b\\]52;c;ZXZpbA==\\x07 \\u202eevil \\x9b2J');
    expect(t).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
  });
});
