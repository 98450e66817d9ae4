// `npm run mutate -- <folder> --since REF` mutates the lines changed since REF: the ranges read
// from git's zero-context diff, new side only, hunks within three lines merged, per file.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { rangesFromDiff } from '../../scripts/changed-ranges.mjs';

const DIFF = `diff --git a/src/a.ts b/src/a.ts
index 1..2 100644
--- a/src/a.ts
+++ b/src/a.ts
@@ -3 +3 @@ export function f() {
-  return 1;
+  return 2;
@@ -10,0 +11,2 @@ x
+const y = 1;
+const z = 2;
@@ -20,3 +22,0 @@ y
-gone
-gone
-gone
@@ -40 +40,3 @@ z
+a
+b
+c
diff --git a/src/gone.ts b/src/gone.ts
deleted file mode 100644
--- a/src/gone.ts
+++ /dev/null
@@ -1,2 +0,0 @@
-x
-y
diff --git a/src/b-c.ts b/src/b-c.ts
--- a/src/b-c.ts
+++ b/src/b-c.ts
@@ -5,2 +5,4 @@
+p
+q
`;

describe('rangesFromDiff', () => {
  it('new lines per file; hunks within three lines merged; deletions and deleted files give none', () => {
    expect(rangesFromDiff(DIFF)).toEqual(['src/a.ts:3-3', 'src/a.ts:11-12', 'src/a.ts:40-42', 'src/b-c.ts:5-8']);
    // 3 and 6 are within three lines: one range; 3 and 7 are not
    const two = (b: number) => `+++ b/x.ts\n@@ -3 +3 @@\n+a\n@@ -${b} +${b} @@\n+b\n`;
    expect(rangesFromDiff(two(6))).toEqual(['x.ts:3-6']);
    expect(rangesFromDiff(two(7))).toEqual(['x.ts:3-3', 'x.ts:7-7']);
    expect(rangesFromDiff('')).toEqual([]);
  });

  it('npm run mutate refuses --since without a commit or with one git does not know, and --since with --mutate', () => {
    const run = (...a: string[]) => spawnSync(process.execPath, ['scripts/mutate.mjs', ...a], { encoding: 'utf8' });
    const none = run('model', '--since');
    expect([none.status, none.stderr.trim()]).toEqual([2, 'mutate: --since needs a commit (e.g. --since main~5)']);
    // a commit git does not know: one line, not git's error and a stack trace
    const bad = run('model', '--since', 'no-such-commit');
    expect([bad.status, bad.stderr]).toEqual([2, 'mutate: --since no-such-commit: not a commit of this repository\n']);
    const both = run('model', '--since', 'HEAD', '--mutate', 'src/model/units.ts');
    expect([both.status, both.stderr.trim()]).toEqual([2, 'mutate: --since chooses what to mutate; give it or --mutate, not both']);
    const help = run('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--since COMMIT   mutate only the lines each folder changed since COMMIT, all retested');
  });
});
