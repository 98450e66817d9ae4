// A datastore no query reaches (src/model/lint.ts unqueriedStoreFindings): a domain's queries go
// to its primary store only, so a cache table's redis was costed, drawn and failed in scenarios
// but idle in every simulation, without a word.
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/model/lint.js';
import { bp } from '../simulate/helpers.js';

const CATALOG = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: cat }
system:
  domains:
    pricing: { tables: [price_cache, price_rules], operations: { quote: { route: GET /quote, cpu: 1ms, db: { reads: 2 } } } }
    images: { tables: [image_meta, image_blobs], operations: { sign: { route: GET /img, cpu: 1ms, db: { reads: 1 } } } }
layouts:
  one:
    units: { api: { domains: "*", port: 8000 } }
    datastores:
      cache: { engine: redis, tables: [price_cache] }
      pg: { engine: postgres, tables: [price_rules, image_meta] }
      blobs: { engine: minio, tables: [image_blobs] }
`);

describe('unqueried-datastore', () => {
  it('a second store of a domain: a warning naming where the queries go; a blob store beside a database: info', () => {
    const fs = lint(CATALOG, 'one').filter((f) => f.rule === 'unqueried-datastore');
    expect(fs.map((f) => [f.severity, f.path.join('.'), f.message])).toEqual([
      ['warning', 'layouts.one.datastores.cache.tables', `"cache" (redis) holds price_cache but no query reaches it: the queries of pricing go to pg`],
      ['info', 'layouts.one.datastores.blobs.tables', `"blobs" (minio) holds image_blobs but no query reaches it: the queries of images go to pg`],
    ]);
  });

  it('a store that is some domain\'s primary: nothing', () => {
    const one = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: one }
system:
  domains:
    a: { tables: [t], operations: { x: { route: GET /x, cpu: 1ms } } }
    b: { tables: [u], operations: { y: { route: GET /y, cpu: 1ms } } }
layouts:
  one:
    units: { api: { domains: "*", port: 8000 } }
    datastores:
      pg: { engine: postgres, tables: [t] }
      kv: { engine: redis, tables: [u] }
`);
    expect(lint(one, 'one').filter((f) => f.rule === 'unqueried-datastore')).toEqual([]);
  });
});
