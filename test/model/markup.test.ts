// markupText: the one escaper of every HTML page and SVG archsim writes (report, plan,
// validate-model). Markup characters become entities; control characters (which XML 1.0 refuses
// and a terminal obeys when the page is printed) become U+FFFD; tab and line breaks stay.
import { describe, expect, it } from 'vitest';
import { markupText } from '../../src/model/markup.js';

describe('markupText', () => {
  it('turns the five markup characters into entities, each exactly', () => {
    expect(markupText(`<a href="x" title='y'>&amp;</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;');
  });

  it('replaces C0 (but tab, LF, CR), DEL and C1 controls, and keeps everything else', () => {
    expect(markupText('a\u0000b\u0008c\u000bd\u000ce\u001b[31mf\u007fg\u0085h\u009fi')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD[31mf\uFFFDg\uFFFDh\uFFFDi');
    expect(markupText('tab\tlf\ncr\r é ✓ \u00a0 \u2028')).toBe('tab\tlf\ncr\r é ✓ \u00a0 \u2028');
  });

  it('a hostile name keeps an SVG text element one element of allowed XML characters', () => {
    const out = markupText('</text><script>alert(1)</script>\u001b]0;owned\u0007\u0000');
    expect(out).toBe('&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;\uFFFD]0;owned\uFFFD\uFFFD');
    // XML 1.0's Char production: tab, LF, CR and U+0020 on (surrogates and U+FFFE/F aside).
    expect(out).toMatch(/^[\t\n\r\u0020-\ud7ff\ue000-\ufffd]*$/);
  });
});
