// The syntax of a load profile's templates, checked where the profile is read. The interpreter
// (runtime.ts lpRender) expands {{expr}} with no brace inside expr and leaves every other "{{" as
// written: "{{unclosed" reached the server as those very characters, request after request, and
// the run measured requests nobody meant. An expression that names no function the interpreter
// has failed only when the first request was built. Both are refused here instead.

/** lpRender's placeholder (runtime.ts): the same expression, so the two agree on what expands. */
const PLACEHOLDER = /\{\{([^{}]+)\}\}/g;
/** lpEval's function call (runtime.ts): name(arg), optionally followed by .path. */
const CALL = /^([a-z]+)\(\s*([^)]*?)\s*\)(?:\.([\w.]+))?$/;
const FUNCTIONS = new Set(['pick', 'next', 'fill']);

const SYNTAX = 'a placeholder is {{expr}}, closed by }} with no brace inside; expr is a dotted path (user.token, vars.x) or pick(path), next(path), fill(n)';

/**
 * What is wrong with one template string, or undefined. The message never quotes the string: a
 * profile may be any file the user pointed at (positioned.ts parseYamlWith), so it says where.
 */
export function templateProblem(s: string): string | undefined {
  let problem: string | undefined;
  // Each placeholder blanked to as many non-brace characters, so what is left keeps its offsets
  // and holds a "{{" exactly where lpRender would leave one ("{{{x}}}" expands to "{" + x + "}").
  const rest = s.replace(PLACEHOLDER, (m: string, expr: string, at: number) => {
    const e = expr.trim();
    const call = CALL.exec(e);
    if (problem === undefined && e === '') problem = `the placeholder at character ${at + 1} is empty: ${SYNTAX}`;
    else if (problem === undefined && call && !FUNCTIONS.has(call[1]!)) problem = `the placeholder at character ${at + 1} calls a function the interpreter does not have (there are pick, next and fill)`;
    return ' '.repeat(m.length);
  });
  if (problem !== undefined) return problem;
  const at = rest.indexOf('{{');
  if (at < 0) return undefined;
  const after = rest.slice(at + 2);
  if (/^\s*\}\}/.test(after)) return `the placeholder at character ${at + 1} is empty: ${SYNTAX}`;
  if (!after.includes('}}')) return `the {{ at character ${at + 1} is never closed: ${SYNTAX}`;
  return `the {{ at character ${at + 1} opens no placeholder (a brace inside it): ${SYNTAX}`;
}

/** Every template string in a value (lists and mappings walked, keys are not rendered), with its path. */
export function templateProblems(value: unknown, path: (string | number)[] = []): { path: (string | number)[]; message: string }[] {
  if (typeof value === 'string') {
    const m = templateProblem(value);
    return m === undefined ? [] : [{ path, message: m }];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => templateProblems(v, [...path, i]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => templateProblems(v, [...path, k]));
  return [];
}
