// One plain progress line (stderr, not a TTY): kept apart from the ink view so it loads no React.
import type { Progress } from '../../loadtest/driver/run.js';
import { terminalText } from '../../model/diagnostics.js';

/** The label names the system under test, from the blueprint: escaped, so the line stays one line. */
export function progressLine(label: string, p: Progress): string {
  return `${terminalText(label)}: ${p.elapsed.toFixed(0)}/${p.total.toFixed(0)} s  rate ${p.rate}/s  p95 ${p.p95 === null ? '-' : `${p.p95.toFixed(1)} ms`}  sent ${p.sent}  errors ${p.errors}${p.dropped ? `  dropped ${p.dropped}` : ''}`;
}
