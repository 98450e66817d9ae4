// Text written into HTML pages and SVG/XML documents (reports, plans, validate-model's page).
// The markup characters become entities; control characters other than tab and line breaks
// become U+FFFD: XML 1.0 does not allow them at all (an SVG with one does not parse), HTML calls
// them parse errors, and a page opened with `cat` or `less -r` must not hand a terminal escape
// sequences from a blueprint, a run or a plan file.
// eslint-disable-next-line no-control-regex
const MARKUP_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for an HTML or XML element or a quoted attribute. */
export function markupText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITY[c]!).replace(MARKUP_CONTROLS, '\uFFFD');
}
