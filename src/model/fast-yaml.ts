// The fast path of the loader: a large blueprint that uses only plain YAML (no anchors, aliases,
// tags, directives, complex or null keys) is read by js-yaml, several times faster than the yaml
// library's Document and a fraction of its memory (issue 13: 5 MB in seconds, not minutes).
// js-yaml is given the YAML 1.2 core schema exactly as the yaml library resolves it, so both give
// the same values; anything else (or anything js-yaml refuses) goes to the yaml library, which
// has the positions. Positions are then built only when a problem needs one (yaml-source.ts).
// test/model/fast-yaml.test.ts checks that both agree wherever the fast path answers.
import jsyaml from 'js-yaml';
import { LIMITS } from './limits.js';

const scalar = (tag: string, test: RegExp, construct: (s: string) => unknown) =>
  new jsyaml.Type(`tag:yaml.org,2002:${tag}`, { kind: 'scalar', resolve: (s: unknown) => typeof s === 'string' && test.test(s), construct: (s: string) => construct(s) });

const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/**
 * yaml's core schema (yaml/dist/schema/core): same tests, same values. One js-yaml type per tag
 * (js-yaml keeps only the last type of a tag), each trying yaml's tests in yaml's order.
 */
const CORE = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar('null', /^(?:~|[Nn]ull|NULL)?$/, () => null),
    scalar('bool', /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, (s) => s[0] === 't' || s[0] === 'T'),
    scalar('int', /^(?:0o[0-7]+|[-+]?[0-9]+|0x[0-9a-fA-F]+)$/, (s) => (INT_OCT.test(s) ? parseInt(s.substring(2), 8) : INT.test(s) ? parseInt(s, 10) : parseInt(s.substring(2), 16))),
    scalar('float', new RegExp(`${FLOAT_NAN.source}|${FLOAT_EXP.source}|${FLOAT.source}`), (s) =>
      FLOAT_NAN.test(s) ? (s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity) : parseFloat(s),
    ),
  ],
});
/**
 * Text the fast path leaves to the yaml library (a false alarm only costs time): an anchor,
 * alias or tag where a node may start; a directive; an explicit "? " key; a key that closes a
 * flow collection ("[a]: 1"); a null or empty key (yaml makes it "", js-yaml "null"); a merge
 * key "<<"; a tab, or a "#" right after a
 * quote or bracket (yaml refuses these where js-yaml lets them pass); a block scalar with an
 * explicit indentation indicator (">1", "|2-": the two read its lines' leading spaces apart).
 *
 * The empty key and the null word are two patterns: as one, "[\s{,]" and the optional word's
 * "[ \t]*" both took spaces, and a line of n spaces before a key was tried n² ways (2,000 nested
 * levels, 2 MB of indentation, took 4 s of CPU in this test alone). A ':' after a space is caught
 * by the space right before it.
 */
const SLOW = [/\t/, /['"\]}]#/, /(?:^|[\s[{,])[&*!]/m, /^%/m, /(?:^|[\s[{,])\?(?:[ \t]|$)/m, /[\]}][ \t]*:(?:\s|$)/, /(?:^|[\s{,]):(?:\s|$)/m, /(?:^|[\s{,])(?:~|[Nn]ull|NULL)[ \t]*:(?:\s|$)/m, /<</, /(?:^|\s)[|>](?:[+-]?[1-9]|[1-9][+-])[ \t]*(?:#.*)?$/m];

/** The value of a plain YAML text, or undefined when the yaml library must read it. */
export function fastParse(text: string): { value: unknown } | undefined {
  if (SLOW.some((re) => re.test(text))) return undefined;
  let value: unknown;
  try {
    // An empty document is null to yaml, undefined to js-yaml.
    value = jsyaml.load(text, { schema: CORE }) ?? null;
  } catch {
    return undefined; // a syntax error, duplicate keys, several documents: yaml says where
  }
  // The loader's limits and the "__proto__" rule are checked on the yaml Document by the slow
  // path, with positions; here only whether there is anything to check.
  const stack: { v: unknown; depth: number }[] = [{ v: value, depth: 0 }];
  let nodes = 0;
  while (stack.length) {
    const { v, depth } = stack.pop()!;
    if (++nodes > LIMITS.yamlNodes) return undefined;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= LIMITS.yamlDepth) return undefined;
    if (Array.isArray(v)) for (const x of v) stack.push({ v: x, depth: depth + 1 });
    else {
      if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return undefined;
      for (const x of Object.values(v)) stack.push({ v: x, depth: depth + 1 });
    }
  }
  return { value };
}
