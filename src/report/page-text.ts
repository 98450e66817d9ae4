// Text a report page shows outside its markdown (the HTML <title>, the charts' names and labels).
// The body's text comes through mdText (plan/markdown.ts), which puts it on one line and shows
// control and bidi characters as escapes (\x1b, \u202e); text written into the page beside it gets
// the same, then markup escaping: a title kept a raw right-to-left override (U+202E) that the
// heading under it showed as \u202e, and a browser's tab and history reordered the name with it.
import { terminalText } from '../model/diagnostics.js';
import { markupText } from '../model/markup.js';

/** One line of text for an HTML or SVG element or a quoted attribute, controls and bidi shown as escapes. */
export function pageText(s: string): string {
  return markupText(terminalText(s.replace(/[\r\n]+/g, ' ')));
}
