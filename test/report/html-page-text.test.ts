// The HTML report's text outside its markdown: the page <title> kept a raw right-to-left override
// (U+202E) from a hostile blueprint title while the heading under it, the markdown and the
// terminal showed it as \u202e. The title and the charts' names and labels (an SVG <title>, an
// aria-label attribute, legend and marker text) now get what the body's text gets (mdText: one
// line, controls and bidi characters as escapes), then markup escaping.
import { describe, expect, it } from 'vitest';
import { CONTROL_CLASS } from '../../src/model/diagnostics.js';
import { lineChart } from '../../src/report/charts.js';
import { renderHtml } from '../../src/report/html.js';
import { pageText } from '../../src/report/page-text.js';
import { fullReport } from './report-data.js';

/** Every control, line-separator or bidi character a page may not hold raw (a line feed it may). */
const RAW = new RegExp(CONTROL_CLASS.replace('\\u0000-\\u001f', '\\u0000-\\u0009\\u000b-\\u001f'), 'g');

const TITLE = 'Evil "q" \u{1F680} \u202eRTL-override \u2066iso\u2069 \u200fRLM \x1b[31mred\x1b[0m \u0085nel\u2028ls\ttab\r\nnext & <b>';
const TITLE_SHOWN = 'Evil &quot;q&quot; \u{1F680} \\u202eRTL-override \\u2066iso\\u2069 \\u200fRLM \\x1b[31mred\\x1b[0m \\x85nel\\u2028ls\\ttab next &amp; &lt;b&gt;';

describe('the HTML report page outside the markdown', () => {
  it('the <title> shows control and bidi characters as escapes, on one line, the same text as the heading', () => {
    const r = fullReport();
    r.blueprint.title = TITLE;
    const html = renderHtml(r);
    expect(/<title>([^<]*)<\/title>/.exec(html)![1]).toBe(`archsim: ${TITLE_SHOWN}`);
    // the heading is the body's own rendering of the same title (through mdText and marked)
    expect(/<h2>([^<]*)<\/h2>/.exec(html)![1]).toBe(`archsim: ${TITLE_SHOWN}`);
    expect(html.match(RAW) ?? []).toEqual([]);
  });

  it('pageText: one line, every control and bidi character as an escape, markup as entities; plain text as it is', () => {
    expect(pageText(TITLE)).toBe(TITLE_SHOWN);
    expect(pageText('a\u202eb\u061cc\u200ed\u202ae\u2069')).toBe('a\\u202eb\\u061cc\\u200ed\\u202ae\\u2069');
    expect(pageText("mono & split's <x>")).toBe('mono &amp; split&#39;s &lt;x&gt;');
  });

  it('chart names and labels (SVG title, legend, marker, aria-label) get the same', () => {
    const svg = lineChart({ title: 'T\u202et', xLabel: 'x\u2066', yLabel: 'y\x1b', series: [{ name: 'a\u202eb', points: [[1, 1]] }], markers: [{ x: 1, label: 'a\u202eb saturates', series: 0 }] });
    expect(svg.match(RAW) ?? []).toEqual([]);
    expect(svg).toContain('aria-label="T\\u202et"');
    expect(svg).toContain('<title>a\\u202eb</title>');
    expect(svg).toContain('>a\\u202eb</text>');
    expect(svg).toContain('>a\\u202eb saturates</text>');
    expect(svg).toContain('>x\\u2066</text>');
    expect(svg).toContain('>y\\x1b</text>');
  });
});
