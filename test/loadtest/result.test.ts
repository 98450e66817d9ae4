// The result format: its JSON Schema is current, and a real run's result validates against it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { LoadTestResult, parseResult, parseResults, resultJsonSchema } from '../../src/loadtest/result.js';
import { k6Result, parseK6Summary } from '../../src/loadtest/k6.js';
import { runDriver } from '../../src/loadtest/driver/index.js';
import { embeddedResult } from '../../src/loadtest/assemble.js';
import { createScenario } from '../../src/loadtest/scenarios/trivial.js';
import { startTrivialServer } from '../../src/loadtest/trivial-server.js';

const schemaFile = new URL('../../schemas/loadtest-result.schema.json', import.meta.url);

describe('load-test result format', () => {
  it('schemas/loadtest-result.schema.json matches the zod schema (run `npm run schema`)', () => {
    expect(JSON.parse(readFileSync(schemaFile, 'utf8'))).toEqual(resultJsonSchema());
  });

  it('real embedded and k6 results validate against the JSON Schema and round-trip', async () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));
    const s = await startTrivialServer({});
    let embedded;
    try {
      const r = await runDriver(createScenario(), { baseUrl: s.url, model: 'open', rate: 100, duration: 0.5 });
      embedded = embeddedResult(r, { target: s.url });
    } finally {
      await s.stop();
    }
    const k6 = k6Result(parseK6Summary(JSON.parse(readFileSync(new URL('../fixtures/k6/summary-export.json', import.meta.url), 'utf8')), { exitCode: 99 }), { target: 'http://127.0.0.1:18080' });
    // A --layouts file holds several results.
    expect(parseResults(JSON.stringify({ schemaVersion: 1, results: [embedded, k6] }))).toEqual([embedded, k6]);
    expect(parseResults(JSON.stringify(embedded))).toEqual([embedded]);
    for (const r of [embedded, k6]) {
      const json = JSON.parse(JSON.stringify(r));
      expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
      expect(parseResult(JSON.stringify(json))).toEqual(r);
    }
  });

  it('names the field that is wrong', () => {
    expect(() => parseResult('{"schemaVersion": 2}', 'x.json')).toThrow(/^x\.json: schemaVersion: /);
    expect(() => parseResult('nope', 'x.json')).toThrow(/x\.json: not JSON/);
    expect(LoadTestResult.safeParse({}).success).toBe(false);
  });
});
