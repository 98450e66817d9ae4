// The interactive checklist: move with ↑/↓ or j/k, toggle with space, finish with enter or q.
// The score and the recommendation follow every toggle.
import { useEffect, useReducer } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import { CHECKLIST, recommend, type ChecklistItem } from '../../model/checklist.js';
import { terminalText } from '../../model/diagnostics.js';

export interface ChecklistViewProps {
  items: ChecklistItem[];
  title?: string;
  onDone: (items: ChecklistItem[]) => void;
}

interface State {
  items: ChecklistItem[];
  cursor: number;
  done: boolean;
}

function step(s: State, action: 'up' | 'down' | 'toggle' | 'done'): State {
  if (s.done) return s;
  switch (action) {
    case 'down':
      return { ...s, cursor: Math.min(s.items.length - 1, s.cursor + 1) };
    case 'up':
      return { ...s, cursor: Math.max(0, s.cursor - 1) };
    case 'toggle':
      return { ...s, items: s.items.map((x, i) => (i === s.cursor ? { ...x, checked: !x.checked, source: 'answer' as const } : x)) };
    case 'done':
      return { ...s, done: true };
  }
}

export function ChecklistView({ items: initial, title, onDone }: ChecklistViewProps) {
  const { exit } = useApp();
  // One reducer, so keys typed faster than React renders each see the state the last one left.
  const [{ items, cursor, done }, dispatch] = useReducer(step, { items: initial, cursor: 0, done: false });

  useInput((input, key) => {
    if (key.downArrow || input === 'j') dispatch('down');
    else if (key.upArrow || input === 'k') dispatch('up');
    else if (input === ' ') dispatch('toggle');
    else if (key.return || input === 'q') dispatch('done');
  });

  // Exit after the final frame (no cursor, no key help) has rendered.
  useEffect(() => {
    if (!done) return;
    onDone(items);
    exit();
  }, [done]);

  const score = items.filter((i) => i.checked).length;
  const rec = recommend(score);
  const colour = rec.id === 'modular-monolith' ? 'yellow' : rec.id === 'gradual-migration' ? 'cyan' : 'green';
  return (
    <Box flexDirection="column">
      {/* The title and the derived reasons quote the blueprint (its name, event names): escaped, so
          they cannot drive the terminal. */}
      <Text bold>{terminalText(title ?? 'Are you ready for microservices?')} (seed 001 decision framework)</Text>
      {CHECKLIST.map((g) => (
        <Box key={g.id} flexDirection="column" marginTop={1}>
          <Text bold underline>
            {g.title}
          </Text>
          {items.map((it, i) =>
            it.group !== g.id ? null : (
              <Text key={it.id} inverse={i === cursor && !done}>
                {i === cursor ? '❯ ' : '  '}
                {it.checked ? '[x] ' : '[ ] '}
                {terminalText(it.text)}
                {it.source === 'derived' && it.derived ? <Text dimColor>{`  (from the blueprint: ${terminalText(it.derived.reason)})`}</Text> : null}
              </Text>
            ),
          )}
        </Box>
      ))}
      <Box marginTop={1}>
        <Text>
          Score: <Text bold>{score}</Text>/{items.length} → <Text color={colour} bold>{rec.text}</Text> ({rec.range})
        </Text>
      </Box>
      {!done ? <Text dimColor>↑/↓ or j/k move · space toggles · enter or q finishes</Text> : null}
    </Box>
  );
}
