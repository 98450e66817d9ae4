// Live progress of a load test: on a TTY an ink view (elapsed, rate, p95 so far, errors),
// otherwise one plain line per second on stderr. Never writes to stdout.
import React from 'react';
import { Box, Text, render } from 'ink';
import type { Progress } from '../../loadtest/driver/run.js';
import { terminalText } from '../../model/diagnostics.js';

export function LoadTestProgress({ label: raw, p }: { label: string; p: Progress | null }) {
  // The label names the system under test, which comes from the blueprint: escaped for the terminal.
  const label = terminalText(raw);
  if (!p) return <Text dimColor>{label}: starting…</Text>;
  const pct = Math.min(1, p.elapsed / Math.max(p.total, 1e-9));
  const width = 24;
  const filled = Math.round(pct * width);
  return (
    <Box flexDirection="column">
      <Text>
        <Text bold>{label}</Text> <Text color="cyan">{'█'.repeat(filled)}</Text>
        <Text dimColor>{'░'.repeat(width - filled)}</Text> {p.elapsed.toFixed(0)}/{p.total.toFixed(0)} s
      </Text>
      <Text>
        {'  '}rate <Text bold>{p.rate}</Text>/s · p95 <Text bold>{p.p95 === null ? '–' : `${p.p95.toFixed(1)} ms`}</Text> · sent {p.sent} · done {p.completed} ·{' '}
        <Text color={p.errors ? 'red' : undefined}>errors {p.errors}</Text>
        {p.dropped ? <Text color="yellow"> · dropped {p.dropped}</Text> : null}
      </Text>
    </Box>
  );
}

export { progressLine } from './progress-line.js';

export type ProgressSink = { update(p: Progress): void; done(): void };

/** An ink view rendered on stderr (this module is the lazy part: actions/loadtest.ts imports it only for a live view). */
export async function inkProgress(label: string): Promise<ProgressSink> {
  let last: Progress | null = null;
  const app = render(<LoadTestProgress label={label} p={null} />, { stdout: process.stderr, patchConsole: false });
  return {
    update(p) {
      last = p;
      app.rerender(<LoadTestProgress label={label} p={last} />);
    },
    done() {
      app.unmount();
    },
  };
}
