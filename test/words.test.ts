import { describe, expect, it } from 'vitest';
import { plural } from '../src/words.js';

describe('plural', () => {
  it('counts one in the singular and every other number in the plural', () => {
    expect(plural(1, 'core')).toBe('1 core');
    expect(plural(2, 'core')).toBe('2 cores');
    expect(plural(0, 'warning')).toBe('0 warnings');
    expect(plural(1.5, 'core')).toBe('1.5 cores');
  });
  it('takes an irregular plural', () => {
    expect(plural(1, 'query', 'queries')).toBe('1 query');
    expect(plural(3, 'query', 'queries')).toBe('3 queries');
  });
});
