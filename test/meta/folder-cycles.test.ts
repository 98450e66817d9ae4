// The folders of src/ and reference-services/ import each other without cycles, so each can be
// read, tested and changed from the bottom up. Built from the real import graph (every relative
// `import … from`, `export … from` and `import()` of every .ts/.tsx file): a folder is a
// directory (src/cli/actions, reference-services/launcher), and a file at the top of src/
// (errors.ts, index.ts) is a node of its own. A folder and its own subfolders are one module
// (src/loadtest and src/loadtest/driver may use each other), so edges between them do not count.
//
// KNOWN lists the cycles that predate this test, each with why it is there; a new cycle fails,
// and so does a known one that is gone (take it off the list).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const KNOWN: string[][] = [
  // errors.ts imports the Diagnostic type of model/diagnostics.ts; the model throws its errors.
  ['src/errors', 'src/model'],
  // The plan's report sections and the report's plan figures.
  ['src/plan', 'src/report'],
  // A unit mounts the domain modules; the domains use the runtime's helpers (db, errors, events).
  [
    'reference-services/domains',
    'reference-services/domains/auth',
    'reference-services/domains/groups',
    'reference-services/domains/media',
    'reference-services/domains/messages',
    'reference-services/domains/users',
    'reference-services/runtime',
  ],
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : sources(p);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The folder of a repository-relative path; a file at the top of src/ is its own node. */
function folderOf(rel: string): string {
  const parts = rel.split('/');
  return parts.length <= 2 ? rel.replace(/\.(tsx?|js)$/, '') : parts.slice(0, -1).join('/');
}

const nested = (a: string, b: string) => a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

/** Folder → the folders it imports. */
function folderGraph(root: string): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const file of [...sources(join(root, 'src')), ...sources(join(root, 'reference-services'))]) {
    const from = folderOf(relative(root, file));
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const to = folderOf(relative(root, resolve(dirname(file), m[1]!)));
      if (to === from || nested(from, to)) continue;
      if (!edges.has(from)) edges.set(from, new Set());
      edges.get(from)!.add(to);
    }
  }
  return edges;
}

/** Every folder reachable from `start` by one or more imports. */
function reachable(edges: Map<string, Set<string>>, start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(edges.get(start) ?? [])];
  while (todo.length) {
    const v = todo.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    todo.push(...(edges.get(v) ?? []));
  }
  return seen;
}

/** The cycles: groups of two or more folders that each reach all the others, each sorted. */
function cycles(edges: Map<string, Set<string>>): string[][] {
  const nodes = [...new Set([...edges.keys(), ...[...edges.values()].flatMap((s) => [...s])])].sort();
  const reach = new Map(nodes.map((v) => [v, reachable(edges, v)]));
  const out: string[][] = [];
  const placed = new Set<string>();
  for (const v of nodes) {
    if (placed.has(v) || !reach.get(v)!.has(v)) continue;
    const group = nodes.filter((w) => w === v || (reach.get(v)!.has(w) && reach.get(w)!.has(v)));
    for (const w of group) placed.add(w);
    out.push(group);
  }
  return out;
}

describe('folder imports', () => {
  const graph = folderGraph(ROOT);

  it('finds a cycle where there is one (the check can fail)', () => {
    const g = new Map([
      ['a', new Set(['b'])],
      ['b', new Set(['c'])],
      ['c', new Set(['a'])],
      ['d', new Set(['a'])],
    ]);
    expect(cycles(g)).toEqual([['a', 'b', 'c']]);
    expect(cycles(new Map([['a', new Set(['b'])]]))).toEqual([]);
  });

  it('reads the real graph (the load tester uses the launcher, the launcher the model)', () => {
    expect(graph.get('src/loadtest')).toContain('reference-services/launcher');
    expect(graph.get('reference-services/launcher')).toContain('src/model');
    expect(graph.get('reference-services/launcher')).toContain('reference-services/runtime');
  });

  it('has no folder cycle beyond the known ones', () => {
    const known = KNOWN.map((c) => [...c].sort()).sort((a, b) => a[0]!.localeCompare(b[0]!));
    expect(cycles(graph)).toEqual(known);
  });

  it('the load tester reaches the reference services only through their launcher (the system-under-test seam)', () => {
    const reached = [...(graph.get('src/loadtest') ?? [])].filter((f) => f.startsWith('reference-services'));
    expect(reached).toEqual(['reference-services/launcher']);
    for (const [from, to] of graph) {
      if (from.startsWith('reference-services')) expect([...to].filter((f) => f === 'src/loadtest' || f.startsWith('src/loadtest/') || f === 'src/cli' || f.startsWith('src/cli/')), from).toEqual([]);
    }
  });
});
