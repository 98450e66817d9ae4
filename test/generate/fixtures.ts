// The bundled blueprints and their layouts, loaded once per test file.
import { readdirSync } from 'node:fs';
import { loadBlueprint } from '../../src/io/load.js';
import type { Blueprint } from '../../src/model/schema.js';

const dir = new URL('../../blueprints/', import.meta.url).pathname;

export const bundled: { file: string; bp: Blueprint }[] = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml') && !f.endsWith('.load.yaml'))
  .sort()
  .map((f) => ({ file: `${dir}${f}`, bp: loadBlueprint(`${dir}${f}`).blueprint }));

export const quantchat = bundled.find((b) => b.bp.metadata.name === 'quantchat')!.bp;
export const chatpop = bundled.find((b) => b.bp.metadata.name === 'chatpop')!.bp;

/** Every (blueprint, layout) pair of the bundled blueprints. */
export const pairs: { name: string; bp: Blueprint; layout: string }[] = bundled.flatMap(({ bp }) =>
  Object.keys(bp.layouts).map((layout) => ({ name: `${bp.metadata.name}/${layout}`, bp, layout })),
);
