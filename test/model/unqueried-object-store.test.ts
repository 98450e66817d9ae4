// The unqueried-datastore finding's words for a blob store beside a database (src/model/lint.ts):
// they said "an object or file store's reads and writes are not simulated", which is false where
// the object store is a domain's primary store (its reads and writes are simulated there, scaling
// out: compile.ts). Now they say this store is no domain's primary, and what an object store that
// is one gets.
import { describe, expect, it } from 'vitest';
import { lint } from '../../src/model/lint.js';
import { bp } from '../simulate/helpers.js';

const BESIDE = bp(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: blobs }
system:
  domains:
    images: { tables: [image_meta, image_blobs], operations: { sign: { route: GET /img, cpu: 1ms, db: { reads: 1 } } } }
    docs: { tables: [doc_meta, doc_files], operations: { get: { route: GET /doc, cpu: 1ms, db: { reads: 1 } } } }
    models: { tables: [model_files], operations: { load: { route: GET /model, cpu: 1ms, db: { reads: 1 } } } }
layouts:
  one:
    units: { api: { domains: "*", port: 8000 } }
    datastores:
      pg: { engine: postgres, tables: [image_meta, doc_meta] }
      blobs: { engine: minio, tables: [image_blobs] }
      disk: { engine: filesystem, tables: [doc_files] }
      bucket: { engine: s3, tables: [model_files] }
`);

const NOT_REACHED =
  "An operation's reads and writes go to its domain's primary store only, and this store is no domain's primary (that is the first postgres or mysql store among the domain's tables, else its first store): no read or write reaches it in the simulation, so its cost and its failure scenarios count, its latency does not. Put the transfer's time in the operation's cpu or wait if it matters.";

describe('unqueried-datastore: an object or file store beside a database', () => {
  it('says the store is not reached, and that an object store as a primary store is simulated, scaling out', () => {
    const fs = lint(BESIDE, 'one').filter((f) => f.rule === 'unqueried-datastore');
    expect(fs.map((f) => [f.severity, f.message, f.why])).toEqual([
      [
        'info',
        `"blobs" (minio) holds image_blobs but no query reaches it: the queries of images go to pg`,
        `${NOT_REACHED} (An object store that is a domain's primary store is simulated: object stores scale out, so each read or write takes its read or write time and waits for no core, only for a connection once the units' pool × processes are all busy; give the store \`cores:\` to have it queue on that many.)`,
      ],
      ['info', `"disk" (filesystem) holds doc_files but no query reaches it: the queries of docs go to pg`, NOT_REACHED],
    ]);
  });

  it('an s3 store that is its domain\'s only store is its primary: no finding', () => {
    expect(lint(BESIDE, 'one').filter((f) => f.rule === 'unqueried-datastore' && f.message.includes('bucket'))).toEqual([]);
  });
});
