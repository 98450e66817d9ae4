// A file that is not a blueprint (answers, budgets, results, profiles) may be any file a user
// pointed at, a credentials file among them: its errors name the kind of a wrong value (a list,
// null, a mapping, a string), never the value, and an unknown key is placed by position and
// answered with the keys the mapping takes. Exact words, each kind on its own line.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseYamlWith } from '../../src/model/positioned.js';

const S = z.strictObject({
  n: z.number(),
  kind: z.enum(['a', 'b']),
  m: z.strictObject({ x: z.number() }).optional(),
  names: z.record(z.string().regex(/^[a-z]+$/, 'lowercase letters only'), z.number()).optional(),
});
const errs = (t: string) => {
  const r = parseYamlWith(S, t, 'f.yaml');
  return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col} ${e.message} [${e.path.join('.')}]`);
};

describe('errors outside a blueprint name the kind of value, never the value', () => {
  it('a list, null, a mapping, a string, a number: for a type and for a choice', () => {
    expect(errs('n: [1]\nkind: [1]\n')).toEqual(['1:4 expected number, got a list [n]', '2:7 expected one of "a", "b", got a list [kind]']);
    expect(errs('n: ~\nkind: ~\n')).toEqual(['1:4 expected number, got null [n]', '2:7 expected one of "a", "b", got null [kind]']);
    expect(errs('n: {x: 1}\nkind: {x: 1}\n')).toEqual(['1:4 expected number, got a mapping [n]', '2:7 expected one of "a", "b", got a mapping [kind]']);
    expect(errs('n: "s3cret"\nkind: 3\n')).toEqual(['1:4 expected number, got a string [n]', '2:7 expected one of "a", "b", got a number [kind]']);
  });

  it('missing, and not finite', () => {
    expect(errs('kind: a\n')).toEqual(['1:1 required: expected number [n]']);
    expect(errs('n: .inf\nkind: a\n')).toEqual(['1:4 expected a finite number, got Infinity [n]']);
  });

  it('an unknown key: at its place, the path up to its mapping, a near name or what the mapping takes', () => {
    expect(errs('n: 1\nkind: a\nkidn: 1\n')).toEqual(['3:1 unknown key (did you mean "kind"?) []']);
    expect(errs('n: 1\nkind: a\npassword_of_the_admin: 1\n')).toEqual(['3:1 unknown key (this mapping takes "n", "kind", "m", "names") []']);
    expect(errs('n: 1\nkind: a\nm: { x: 1, unrelated_words_here: 2 }\n')).toEqual(['3:12 unknown key (this mapping takes "x") [m]']);
  });

  it('a name breaking its rule: the rule, not the name', () => {
    expect(errs('n: 1\nkind: a\nnames: { Bad: 1 }\n')).toEqual(['3:10 invalid name: lowercase letters only [names.Bad]']);
  });
});
