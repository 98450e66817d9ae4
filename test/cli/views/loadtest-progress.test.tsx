import { describe, expect, it } from 'vitest';
import React from 'react';
import { render } from 'ink-testing-library';
import { LoadTestProgress } from '../../../src/cli/views/loadtest-progress.js';
import { progressLine } from '../../../src/cli/views/progress-line.js';

const p = { elapsed: 12, total: 30, sent: 2400, completed: 2398, errors: 3, dropped: 0, rate: 200, p95: 4.25 };

describe('load-test progress', () => {
  it('shows elapsed, rate, p95 so far and errors on a TTY', () => {
    const { lastFrame, unmount } = render(<LoadTestProgress label="monolith" p={p} />);
    const f = lastFrame()!;
    expect(f).toContain('monolith');
    expect(f).toContain('12/30 s');
    expect(f).toContain('rate 200/s');
    expect(f).toContain('p95 4.3 ms');
    expect(f).toContain('errors 3');
    expect(f).not.toContain('dropped');
    unmount();
  });

  it('shows dropped requests when the driver fell behind', () => {
    const { lastFrame, unmount } = render(<LoadTestProgress label="x" p={{ ...p, dropped: 7 }} />);
    expect(lastFrame()).toContain('dropped 7');
    unmount();
  });

  it('has a plain one-line form for logs', () => {
    expect(progressLine('load', p)).toBe('load: 12/30 s  rate 200/s  p95 4.3 ms  sent 2400  errors 3');
  });
});
