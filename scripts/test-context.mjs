// What a test runs besides its own `it(…)` call, as a hash: the declarations of its file that it
// reaches (helpers, fixtures, case tables, imports, transitively), the hooks and other statements
// of its describe chain, and the test-helper modules it imports (files under test/ that are not
// test files, whole and transitively).
//
// Why: Stryker's incremental mode reuses a killed mutant's result while its killing test is
// unchanged, and knows where a test is only from its start position (the vitest runner reports
// none unless scripts/stryker-located-runner.mjs adds it): a test is then its text from its start
// to the next test's start. Without positions every test of a file counted as changed once any
// line of the file changed, so each session's new tests made Stryker retest most of a folder.
// With positions alone, a change to a helper above the tests (or a case table a loop of tests
// reads) would change no test: a reused "killed" could be stale. The hash goes into the test's
// name as Stryker records it, so a test whose context changed is a changed test.
//
// Name-based and conservative: an identifier counts as a reference to every declaration of that
// name in the file, whatever its scope; a statement that declares nothing (a hook, `vi.mock(…)`)
// is in the context of every test in its describe chain, one that registers tests (a loop over a
// case table) in its own tests' only.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** The callee names that register a test (with `.each(…)`, `.skip`, `.skipIf(…)`, … after them). */
const TEST_FUNCTIONS = new Set(['it', 'test']);
/** The callee names whose function argument is a scope of tests. */
const SUITE_FUNCTIONS = new Set(['describe', 'suite']);

/** The identifier a callee chain starts from: `it.each(cases)` → it, `describe.skip` → describe. */
function calleeRoot(expr) {
  let e = expr;
  for (;;) {
    if (ts.isIdentifier(e)) return e.text;
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = e.expression;
    else if (ts.isCallExpression(e) || ts.isTaggedTemplateExpression(e)) e = ts.isCallExpression(e) ? e.expression : e.tag;
    else return undefined;
  }
}

/** The function argument of a suite or test call (its body), if any. */
function functionArgument(call) {
  return call.arguments.find((a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a));
}

/** `it(…)`, `describe(…)` written as a statement: the call, and which kind. */
function registration(statement) {
  if (!ts.isExpressionStatement(statement)) return undefined;
  let e = statement.expression;
  while (ts.isAwaitExpression(e) || ts.isParenthesizedExpression(e)) e = e.expression;
  if (!ts.isCallExpression(e)) return undefined;
  const root = calleeRoot(e.expression);
  if (root && TEST_FUNCTIONS.has(root)) return { kind: 'test', call: e };
  if (root && SUITE_FUNCTIONS.has(root)) return { kind: 'suite', call: e };
  return undefined;
}

/** Every identifier text inside a node. */
function identifiersIn(node, into = new Set()) {
  const visit = (n) => {
    if (ts.isIdentifier(n)) into.add(n.text);
    // `x.y`: y is a property name, not a reference (x is).
    if (ts.isPropertyAccessExpression(n)) {
      visit(n.expression);
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return into;
}

/** The names a binding pattern or name declares. */
function bindingNames(name, into = []) {
  if (ts.isIdentifier(name)) into.push(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, into);
  return into;
}

const printer = ts.createPrinter({ removeComments: true });

/**
 * The file's context units: each a declaration (one import specifier, one variable declaration,
 * a function, class, enum or type) with the names it declares, or a statement that declares
 * nothing, with the describe chain it sits in; and the tests with their describe chains.
 * @param {string} source
 * @param {string} fileName
 */
export function analyseTestFile(source, fileName = 'test.ts') {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const canonical = (node) => printer.printNode(ts.EmitHint.Unspecified, node, sf);
  /** @type {{ names: string[], text: string, refs: Set<string>, chain: number[], module?: string }[]} */
  const units = [];
  /** @type {{ start: { line: number, column: number }, end: { line: number, column: number }, refs: Set<string>, chain: number[] }[]} */
  const tests = [];
  let suites = 0;
  const at = (offset) => {
    const p = sf.getLineAndCharacterOfPosition(offset);
    return { line: p.line + 1, column: p.character + 1 };
  };
  const span = (node) => ({ start: at(node.getStart(sf)), end: at(node.getEnd()) });

  const walk = (statements, chain) => {
    for (const st of statements) {
      const reg = registration(st);
      if (reg?.kind === 'test') {
        tests.push({ ...span(st), refs: identifiersIn(st), chain });
        continue;
      }
      const body = reg?.kind === 'suite' ? functionArgument(reg.call)?.body : undefined;
      if (body && ts.isBlock(body)) {
        // The suite's own arguments other than its body (its name, options) are its tests' context.
        const id = ++suites;
        const head = reg.call.arguments.filter((a) => a !== functionArgument(reg.call));
        units.push({ names: [], text: `suite: ${head.map(canonical).join(', ')}`, refs: new Set(head.flatMap((h) => [...identifiersIn(h)])), chain: [...chain, id] });
        walk(body.statements, [...chain, id]);
        continue;
      }
      if (ts.isImportDeclaration(st)) {
        const module = ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : '';
        const clause = st.importClause;
        if (!clause) {
          units.push({ names: [], text: `import '${module}'`, refs: new Set(), chain, module });
          continue;
        }
        if (clause.name) units.push({ names: [clause.name.text], text: `import default ${clause.name.text} from '${module}'`, refs: new Set(), chain, module });
        const nb = clause.namedBindings;
        if (nb && ts.isNamespaceImport(nb)) units.push({ names: [nb.name.text], text: `import * as ${nb.name.text} from '${module}'`, refs: new Set(), chain, module });
        if (nb && ts.isNamedImports(nb)) {
          for (const s of nb.elements) {
            units.push({ names: [s.name.text], text: `import {${s.propertyName?.text ?? s.name.text} as ${s.name.text}}${s.isTypeOnly || clause.isTypeOnly ? ' type' : ''} from '${module}'`, refs: new Set(), chain, module });
          }
        }
        continue;
      }
      if (ts.isVariableStatement(st)) {
        const kind = st.declarationList.flags & ts.NodeFlags.Const ? 'const' : 'let';
        for (const d of st.declarationList.declarations) {
          units.push({ names: bindingNames(d.name), text: `${kind} ${canonical(d)}`, refs: identifiersIn(d), chain });
        }
        continue;
      }
      const named = /** @type {any} */ (st).name;
      const declares = (ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st) || ts.isEnumDeclaration(st) || ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isModuleDeclaration(st)) && named && ts.isIdentifier(named);
      const unit = { names: declares ? [named.text] : [], text: canonical(st), refs: identifiersIn(st), chain };
      units.push(unit);
      // Tests registered inside another statement (a loop over a case table, an `if`): the
      // statement is their context, and only theirs.
      if (!declares && nestedTests(st, chain, unit)) unit.registersTests = true;
    }
  };
  const nestedTests = (node, chain, owner) => {
    let found = false;
    const visit = (n) => {
      if (ts.isExpressionStatement(n) && registration(n)?.kind === 'test') {
        tests.push({ ...span(n), refs: new Set(), chain, owner });
        found = true;
      }
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(node, visit);
    return found;
  };
  walk(sf.statements, []);
  // Declarations by the names they declare, once per file (every test's context walks them).
  const byName = new Map();
  for (const u of units) {
    for (const n of u.names) {
      const list = byName.get(n);
      if (list) list.push(u);
      else byName.set(n, [u]);
    }
  }
  return { units, tests, byName };
}

/** True when `chain` (a unit's describe chain) encloses or equals a test's chain. */
const encloses = (chain, testChain) => chain.every((id, i) => testChain[i] === id);

/**
 * The context of one test of an analysed file: the units it reaches, in source order. Units that
 * declare nothing are in the context of every test their describe chain encloses (hooks,
 * `vi.mock(…)`), except a statement that registers tests (a loop over cases): that one is the
 * context of its own tests only.
 */
export function testContext(analysis, test) {
  const { byName } = analysis;
  const included = new Set();
  const pending = [];
  const include = (u) => {
    if (included.has(u)) return;
    included.add(u);
    pending.push(u);
  };
  const follow = (refs) => {
    for (const r of refs) for (const u of byName.get(r) ?? []) include(u);
  };
  for (const u of analysis.units) if (!u.names.length && !u.registersTests && encloses(u.chain, test.chain)) include(u);
  if (test.owner) include(test.owner);
  follow(test.refs);
  while (pending.length) follow(pending.pop().refs);
  return analysis.units.filter((u) => included.has(u));
}

/** Relative imports that resolve to a helper file under `testRoot` (not a test file itself). */
function helperFile(fromFile, module, testRoot) {
  if (!module.startsWith('.')) return undefined;
  const base = resolve(dirname(fromFile), module);
  const candidates = [base, base.replace(/\.(m?js)$/, '.ts'), `${base}.ts`, `${base}.mjs`, `${base}.js`, `${base}/index.ts`];
  const file = candidates.find((f) => existsSync(f) && !f.endsWith('/'));
  if (!file) return undefined;
  const rel = relative(testRoot, file);
  if (rel.startsWith('..') || rel.startsWith(sep) || /\.test\.[cm]?[jt]s$/.test(file)) return undefined;
  return file;
}

/** A helper module's text and, transitively, its own relative helper imports' (each once). */
function helperText(file, testRoot, seen) {
  if (seen.has(file)) return '';
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  let out = `\n--- ${relative(testRoot, file)}\n${text}`;
  for (const st of sf.statements) {
    const spec = (ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) && st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
    const helper = spec && helperFile(file, spec, testRoot);
    if (helper) out += helperText(helper, testRoot, seen);
  }
  return out;
}

/** Position order: negative when a is before b. */
const cmp = (a, b) => a.line - b.line || a.column - b.column;

/**
 * The context hash of the test vitest places at `location` (1-based line and column, as its
 * `includeTaskLocation` reports them) in a test file: the innermost test statement holding that
 * position, its context's text and its helper modules' text. A test no statement holds (one a
 * helper function registers) gets the whole file's hash and all its helpers': any change to the
 * file changes it. `testRoot` bounds which imported files count as test helpers (the
 * repository's test/ folder). Analyses are cached per file text.
 * @param {string} file absolute path of the test file
 * @param {{ line: number, column: number } | undefined} location
 * @param {string} testRoot absolute path of the test folder
 * @param {string} [source] the file's text (read from `file` when absent)
 */
export function contextHash(file, location, testRoot, source = readFileSync(file, 'utf8')) {
  return testContextOf(file, location, testRoot, source).hash;
}

/** contextHash's hash, and the helper files (absolute paths) that went into it. */
export function testContextOf(file, location, testRoot, source = readFileSync(file, 'utf8')) {
  const key = `${file}\0${source}`;
  let analysis = cache.get(key);
  if (!analysis) {
    analysis = analyseTestFile(source, file);
    cache.set(key, analysis);
  }
  const holding = location ? analysis.tests.filter((t) => cmp(t.start, location) <= 0 && cmp(location, t.end) <= 0) : [];
  // Innermost: the one starting last.
  const test = holding.sort((a, b) => cmp(b.start, a.start))[0];
  const units = test ? testContext(analysis, test) : analysis.units;
  const seen = new Set();
  let text = test ? units.map((u) => u.text).join('\n') : `whole file\n${source}`;
  for (const u of units) {
    const helper = u.module && helperFile(file, u.module, testRoot);
    if (helper) text += helperText(helper, testRoot, seen);
  }
  return { hash: createHash('sha256').update(text).digest('hex').slice(0, 12), helpers: [...seen] };
}
const cache = new Map();
