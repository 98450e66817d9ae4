// Every problem at once when a schema error sits in a part the cross-references do not depend on:
// a catalog entry without a valid price, a layout without units, a workload without a mix. The
// repair (parse.ts repairWhole) used to give up on them, and every cross-reference check with it.
import { describe, expect, it } from 'vitest';
import { parseBlueprint } from '../../src/model/parse.js';

const errs = (text: string) => {
  const r = parseBlueprint(text, 'b.yaml');
  return r.ok ? [] : r.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`);
};

// /work/unseen9a/bad/money.yaml: bad/mixed.yaml plus a catalog entry of a negative price
const MIXED = `apiVersion: archsim/v1
kind: Blueprint
metadata: { name: mixed }
system:
  domains:
    auth:
      tables: [users]
      operations:
        login: { route: POST /login, cpu: 9 parsecs, calls: [auth.verfy-token] }
        verify-token: { internal: true, cpu: 1ms }
    messages:
      tables: [messages]
      operations:
        send: { route: POST /send, cpu: 1ms, calls: [auth.verfy-token] }
layouts:
  mono:
    units:
      a: { domains: "*", port: 8000, replics: 2, instance: vm }
    datastores:
      db: { engine: postgres, tables: "*" }
workload: { rate: 1/s, mix: { messages.sendd: 1 } }
catalog:
  vm: { usdPerMonth: -5 }
`;

const CROSS = [
  'b.yaml:9:62: call to "auth.verfy-token": unknown operation (did you mean "auth.verify-token"?)',
  'b.yaml:14:54: call to "auth.verfy-token": unknown operation (did you mean "auth.verify-token"?)',
  'b.yaml:21:47: mix entry "messages.sendd": unknown operation (did you mean "messages.send"?)',
];

describe('a schema error in an entry the cross-references do not read', () => {
  it('a catalog entry with a negative price: its error (with an example) and every cross-reference error, the unit naming it not "unknown"', () => {
    expect(errs(MIXED)).toEqual([
      'b.yaml:9:43: "9 parsecs" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)',
      CROSS[0],
      CROSS[1],
      'b.yaml:18:38: unknown key "replics" (did you mean "replicas"?)',
      CROSS[2],
      'b.yaml:23:22: -5 is not an amount of money (e.g. $12, 12 USD)',
    ]);
  });

  it('a catalog entry without a price, or not a mapping: the same', () => {
    expect(errs(MIXED.replace('vm: { usdPerMonth: -5 }', 'vm: { vcpu: 2 }'))).toEqual([
      'b.yaml:9:43: "9 parsecs" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)',
      CROSS[0],
      CROSS[1],
      'b.yaml:18:38: unknown key "replics" (did you mean "replicas"?)',
      CROSS[2],
      'b.yaml:23:7: required: an amount of US dollars, e.g. $12',
    ]);
    expect(errs(MIXED.replace('vm: { usdPerMonth: -5 }', 'vm: 5'))).toEqual([
      'b.yaml:9:43: "9 parsecs" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)',
      CROSS[0],
      CROSS[1],
      'b.yaml:18:38: unknown key "replics" (did you mean "replicas"?)',
      CROSS[2],
      'b.yaml:23:7: expected object, got number 5',
    ]);
  });

  it('a layout without units: the other layout is checked, and a next: naming it is not "unknown"', () => {
    const text = MIXED.replace('vm: { usdPerMonth: -5 }', 'vm: { usdPerMonth: $5 }').replace(
      '      db: { engine: postgres, tables: "*" }\n',
      '      db: { engine: postgres, tables: "*" }\n    next: broken\n  broken:\n    datastores: { db: { engine: postgres, tables: "*" } }\n  split:\n    units:\n      a: { domains: [auth, mesages], port: 8000 }\n      b: { domains: [messages], port: 8001 }\n    datastores: { db: { engine: postgres, tables: "*" } }\n',
    );
    expect(errs(text)).toEqual([
      'b.yaml:9:43: "9 parsecs" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)',
      CROSS[0],
      CROSS[1],
      'b.yaml:18:38: unknown key "replics" (did you mean "replicas"?)',
      'b.yaml:23:5: required: expected record',
      'b.yaml:26:28: unknown domain "mesages" (did you mean "messages"?)',
      'b.yaml:29:47: mix entry "messages.sendd": unknown operation (did you mean "messages.send"?)',
    ]);
  });

  it('a workload with an empty mix: its error and the operations’ cross-references', () => {
    const text = MIXED.replace('vm: { usdPerMonth: -5 }', 'vm: { usdPerMonth: $5 }').replace('mix: { messages.sendd: 1 }', 'mix: {}');
    expect(errs(text)).toEqual([
      'b.yaml:9:43: "9 parsecs" is not a duration (e.g. 9ms, 1.5s, 200us, 2m)',
      CROSS[0],
      CROSS[1],
      'b.yaml:18:38: unknown key "replics" (did you mean "replicas"?)',
      'b.yaml:21:29: the workload mix names no operation: give at least one a weight (e.g. { orders.create: 1 })',
    ]);
  });
});
