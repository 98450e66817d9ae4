// `generate`'s help lists its targets from a copy in the command module (so --help does not load
// the generate library); the action checks against the library's own list. Both must agree.
import { expect, it } from 'vitest';
import { TARGET_LIST } from '../../src/cli/commands/generate.js';
import { TARGETS } from '../../src/generate/index.js';

it("the help's generate targets are the library's", () => {
  expect(TARGET_LIST).toEqual([...TARGETS]);
});
