// Option checks several commands share.
import { didYouMean } from '../model/diagnostics.js';
import type { Blueprint } from '../model/schema.js';
import { UsageError } from './io.js';

/** The named layout, or a one-line usage error listing the layouts there are. */
export function requireLayout(bp: Blueprint, name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const names = Object.keys(bp.layouts);
  if (!Object.hasOwn(bp.layouts, name)) throw new UsageError(`unknown layout "${name}"${didYouMean(name, names)}; layouts: ${names.join(', ')}`);
  return name;
}

