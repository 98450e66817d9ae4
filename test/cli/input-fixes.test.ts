// Hostile-input defects from a sweep, each pinned at the function the CLI calls (the CLI tests
// run the built dist, which would not see a source fix): a load-test result nested 100,000
// levels deep, escape sequences in the blueprint text inspect and checklist print, and an
// ARCHSIM_MAX_INPUT_SIZE that is not a size.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { action as calibrateAction } from '../../src/cli/actions/calibrate.js';
import { renderChecklist } from '../../src/cli/actions/checklist.js';
import { inspectView, renderInspect } from '../../src/cli/actions/inspect.js';
import { exitCode, UsageError } from '../../src/errors.js';
import { maxInputBytes, readInput } from '../../src/io/read-input.js';
import { parseResult, parseResults } from '../../src/loadtest/result.js';
import { checklist } from '../../src/model/checklist.js';
import { LIMITS } from '../../src/model/limits.js';
import { parseBlueprint } from '../../src/model/parse.js';

const dir = mkdtempSync(path.join(tmpdir(), 'archsim-input-fixes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEEP = 'flow collections ([…] or {…}) nested more than 64 levels deep (is a "]" or "}" missing?)';

/** The error a call throws (the test fails when it throws none). */
function thrown(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected it to throw');
}

describe('a load-test result nested deeper than the readers allow', () => {
  it('is refused at the position of the 65th "[" (it overflowed the stack with no position)', () => {
    const text = '['.repeat(100_000);
    expect(thrown(() => parseResults(text, 'deep.json')).message).toBe(`deep.json:1:65: ${DEEP}`);
    expect(thrown(() => parseResult(text, 'deep.json')).message).toBe(`deep.json:1:65: ${DEEP}`);
  });

  it('is refused inside "results" too, at its line and column', () => {
    const text = `{\n  "schemaVersion": 1,\n  "results": [${'{"a":'.repeat(100_000)}`;
    // The "{" of line 1 is depth 1 and line 3's "[" (column 14) depth 2; the 63rd '{"a":' after
    // it, five characters each from column 15, is the 65th level.
    expect(thrown(() => parseResults(text, 'runs.json')).message).toBe(`runs.json:3:${15 + 62 * 5}: ${DEEP}`);
  });

  it('calibrate says it in one line, exit 2, naming the file and position', async () => {
    const file = path.join(dir, 'deep.json');
    writeFileSync(file, '['.repeat(100_000));
    let e: unknown;
    try {
      await calibrateAction([file], { blueprint: path.join(dir, 'unread.yaml') });
    } catch (x) {
      e = x;
    }
    expect(e).toBeInstanceOf(UsageError);
    expect((e as Error).message).toBe(`${file}:1:65: ${DEEP}`);
    expect(exitCode(e)).toBe(2);
  });

  it('nesting within the limit is still read, and broken JSON still told by position', () => {
    const ok = `${'['.repeat(LIMITS.yamlDepth)}${']'.repeat(LIMITS.yamlDepth)}`;
    expect(thrown(() => parseResults(ok, 'r.json')).message).toBe('r.json: (root): Invalid input: expected object, received array');
    expect(thrown(() => parseResults('{\n  "a" 1}', 'r.json')).message).toBe('r.json: not JSON (syntax error at line 2, column 7)');
  });
});

// Every control sequence the sweep used: colour (CSI), OSC 52 (writes the clipboard), OSC 8 (a
// hidden link), C1 CSI (\u009b), and a carriage return that overwrites the line with "FAKE-OK".
const EVIL = String.raw`\u001b[31mRED\u001b[0m\u001b]52;c;cHduZWQ=\u0007\u001b]8;;https://evil.example\u0007LINK\u001b]8;;\u0007\u009b31m\r\u001b[2KFAKE-OK`;
const SHOWN = String.raw`\x1b[31mRED\x1b[0m\x1b]52;c;cHduZWQ=\x07\x1b]8;;https://evil.example\x07LINK\x1b]8;;\x07\x9b31m\r\x1b[2KFAKE-OK`;
const ANSI_BLUEPRINT = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: shop, title: "title${EVIL}" }
system:
  domains:
    orders:
      tables: [orders]
      operations:
        create: { route: POST /api/orders, cpu: 2ms, db: { writes: 1 }, emits: ["ev${EVIL}"] }
  events:
    "ev${EVIL}": { consumers: [orders.create] }
layouts:
  mono:
    units: { app: { domains: "*", port: 8000, instance: "cat${EVIL}" } }
    datastores: { db: { engine: postgres, tables: "*" } }
workload: { rate: 50/s, duration: 10s, mix: { orders.create: 1 } }
catalog:
  "cat${EVIL}": { usdPerMonth: $10 }
`;

function ansiBlueprint() {
  const r = parseBlueprint(ANSI_BLUEPRINT, 'ansi.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
}

/** Any C0 control but the newline, DEL, or a C1 control: what a terminal would act on. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('blueprint text printed by inspect and checklist', () => {
  it('inspect shows the title, event names and catalog names escaped, never as terminal control', () => {
    const text = renderInspect(inspectView(ansiBlueprint()));
    expect(CONTROL.test(text)).toBe(false);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`title${SHOWN} (shop): 1 domain, 1 operation, 1 event, 1 layout`);
    expect(lines.find((l) => l.startsWith('ev\\'))).toBe(`ev${SHOWN}  orders.create`);
    expect(lines.find((l) => l.startsWith('  app '))).toBe(`  app   8000         1  cat${SHOWN}  orders`);
  });

  it('inspect --json keeps the text as it is (JSON escapes it)', () => {
    expect(inspectView(ansiBlueprint()).title).toBe(JSON.parse(`"title${EVIL}"`));
  });

  it('checklist shows the event names in its derived reasons escaped', () => {
    const text = renderChecklist(checklist({ blueprint: ansiBlueprint() }));
    expect(CONTROL.test(text)).toBe(false);
    expect(text.split('\n').find((l) => l.includes('communication strategy'))).toBe(`  [x] Have inter-service communication strategy  (derived: 1 event declared (ev${SHOWN}))`);
  });
});

describe('ARCHSIM_MAX_INPUT_SIZE', () => {
  it.each(['abc', '-5', '1e309', '0'])('%s is refused in one line naming the variable, exit 2 (it was ignored)', (v) => {
    const e = thrown(() => maxInputBytes({ ARCHSIM_MAX_INPUT_SIZE: v }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toBe(`ARCHSIM_MAX_INPUT_SIZE=${v}: expected a size such as 64MiB`);
    expect(exitCode(e)).toBe(2);
  });

  it('a control character in the value is shown escaped', () => {
    expect(thrown(() => maxInputBytes({ ARCHSIM_MAX_INPUT_SIZE: '1\u001b[2J' })).message).toBe(String.raw`ARCHSIM_MAX_INPUT_SIZE=1\x1b[2J: expected a size such as 64MiB`);
  });

  it('reading any file refuses it, before the file is opened', () => {
    const before = process.env.ARCHSIM_MAX_INPUT_SIZE;
    process.env.ARCHSIM_MAX_INPUT_SIZE = 'abc';
    try {
      expect(thrown(() => readInput(path.join(dir, 'absent.yaml'))).message).toBe('ARCHSIM_MAX_INPUT_SIZE=abc: expected a size such as 64MiB');
    } finally {
      if (before === undefined) delete process.env.ARCHSIM_MAX_INPUT_SIZE;
      else process.env.ARCHSIM_MAX_INPUT_SIZE = before;
    }
  });

  it('a size, a byte count, or no value at all are taken as before', () => {
    expect(maxInputBytes({ ARCHSIM_MAX_INPUT_SIZE: '64MiB' })).toBe(64 * 1024 ** 2);
    expect(maxInputBytes({ ARCHSIM_MAX_INPUT_SIZE: '1024' })).toBe(1024);
    expect(maxInputBytes({ ARCHSIM_MAX_INPUT_SIZE: '' })).toBe(LIMITS.inputBytes);
    expect(maxInputBytes({})).toBe(LIMITS.inputBytes);
  });
});
