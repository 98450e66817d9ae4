// The interactive checklist, driven by keystrokes through ink-testing-library.
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { ChecklistView } from '../../../src/cli/views/checklist.js';
import { checklist, type ChecklistItem } from '../../../src/model/checklist.js';

const DOWN = '\u001B[B';
const UP = '\u001B[A';
const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));
/** Wait until the view shows `text` (renders are asynchronous; the machine may be busy). */
const shows = (frame: () => string | undefined, text: string) => vi.waitFor(() => expect(frame()).toContain(text), { timeout: 5000, interval: 10 });
/** The first frame is drawn before ink's input handler attaches (an effect); give it time. */
const ready = async (frame: () => string | undefined) => {
  await shows(frame, 'Score:');
  await tick(100);
};

async function press(stdin: { write(s: string): void }, ...keys: string[]) {
  for (const k of keys) {
    stdin.write(k);
    await tick();
  }
}

describe('checklist view', () => {
  it('moves with arrows and j/k, toggles with space, updates score and recommendation live, finishes with enter', async () => {
    let result: ChecklistItem[] | undefined;
    const { stdin, lastFrame, unmount } = render(<ChecklistView items={checklist().items} onDone={(items) => (result = items)} />);
    await ready(lastFrame);
    expect(lastFrame()).toContain('Score: 0/16 → Stay with modular monolith');
    await shows(lastFrame, '❯ [ ] Have monitoring/logging solution (Prometheus, Grafana)');

    // Check the first 8 boxes: space, then down, eight times.
    for (let i = 0; i < 8; i++) await press(stdin, ' ', i % 2 ? DOWN : 'j');
    await shows(lastFrame, 'Score: 8/16 → Start gradual migration');
    await shows(lastFrame, '[x] Have on-call rotation');
    await shows(lastFrame, '❯ [ ] Clear bounded contexts identified');

    // Up twice with k and the arrow, uncheck "Can dedicate team per service": back to 7.
    await press(stdin, 'k', UP, ' ');
    await shows(lastFrame, '❯ [ ] Can dedicate team per service');
    await shows(lastFrame, 'Score: 7/16 → Stay with modular monolith');

    // Down past the two checked ones and check the 8 left (the cursor stops at the last): 7 + 8.
    await press(stdin, DOWN, DOWN);
    for (let i = 0; i < 8; i++) await press(stdin, ' ', 'j');
    await shows(lastFrame, '❯ [x] Clear ROI from independent scaling');
    await shows(lastFrame, 'Score: 15/16 → Go full microservices');
    await press(stdin, 'k', ' ');
    await shows(lastFrame, 'Score: 14/16');

    await press(stdin, '\r');
    await vi.waitFor(() => expect(result).toBeDefined(), { timeout: 5000 });
    expect(result!.filter((i) => i.checked)).toHaveLength(14);
    expect(result!.find((i) => i.id === 'team-per-service')).toMatchObject({ checked: false, source: 'answer' });
    expect(lastFrame()).not.toContain('space toggles');
    unmount();
  });

  it('shows derived answers with their reason, and q finishes', async () => {
    const items = checklist({ answers: {} }).items.map((i) =>
      i.id === 'communication' ? { ...i, checked: true, source: 'derived' as const, derived: { value: true, reason: '4 events declared' } } : i,
    );
    let done = false;
    const { stdin, lastFrame, unmount } = render(<ChecklistView items={items} onDone={() => (done = true)} />);
    await ready(lastFrame);
    expect(lastFrame()).toContain('[x] Have inter-service communication strategy  (from the blueprint: 4 events declared)');
    await shows(lastFrame, 'Score: 1/16');
    await press(stdin, 'q');
    await vi.waitFor(() => expect(done).toBe(true), { timeout: 5000 });
    unmount();
  });
});
