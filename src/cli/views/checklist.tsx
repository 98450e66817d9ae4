// The interactive checklist: move with ↑/↓ or j/k, toggle with space, finish with enter or q.
// The score and the recommendation follow every toggle.
import { useState } from 'react';
import { Box, Text, useApp, useInput } from 'ink';
import { CHECKLIST, recommend, type ChecklistItem } from '../../model/checklist.js';

export interface ChecklistViewProps {
  items: ChecklistItem[];
  title?: string;
  onDone: (items: ChecklistItem[]) => void;
}

export function ChecklistView({ items: initial, title, onDone }: ChecklistViewProps) {
  const { exit } = useApp();
  const [items, setItems] = useState(initial);
  const [cursor, setCursor] = useState(0);
  const [done, setDone] = useState(false);

  useInput((input, key) => {
    if (done) return;
    if (key.downArrow || input === 'j') setCursor((c) => Math.min(items.length - 1, c + 1));
    else if (key.upArrow || input === 'k') setCursor((c) => Math.max(0, c - 1));
    else if (input === ' ') {
      setItems((xs) => xs.map((x, i) => (i === cursor ? { ...x, checked: !x.checked, source: 'answer' as const } : x)));
    } else if (key.return || input === 'q') {
      setDone(true);
      onDone(items);
      exit();
    }
  });

  const score = items.filter((i) => i.checked).length;
  const rec = recommend(score);
  const colour = rec.id === 'modular-monolith' ? 'yellow' : rec.id === 'gradual-migration' ? 'cyan' : 'green';
  return (
    <Box flexDirection="column">
      <Text bold>{title ?? 'Are you ready for microservices?'} (seed 001 decision framework)</Text>
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
                {it.text}
                {it.source === 'derived' && it.derived ? <Text dimColor>{`  (from the blueprint: ${it.derived.reason})`}</Text> : null}
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
