// generate k6 --k6-operator: the TestRun checked against the k6-operator's own CRD schema
// (test/fixtures/k6-operator, Apache-2.0), the ConfigMap against the Kubernetes models, and the
// script in it byte for byte the one generate k6 writes.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { Ajv, type ValidateFunction } from 'ajv';
import { ConfigMap } from 'kubernetes-models/v1';
import { generate, GenerateError } from '../../src/generate/index.js';
import { quantchat } from './fixtures.js';

const crd = parse(readFileSync(new URL('../fixtures/k6-operator/k6.io_testruns.yaml', import.meta.url), 'utf8'));
const version = crd.spec.versions.find((v: { name: string }) => v.name === 'v1alpha1');

/**
 * The API server prunes fields a structural schema does not declare (silently dropping a typo);
 * validate as if unknown fields were errors, so a misspelt field fails here instead.
 */
function closed(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
  if (schema.properties && !schema['x-kubernetes-preserve-unknown-fields'] && schema.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

// Compiled on first use: at module level the compile (seconds under a mutation run's load) was paid
// by every mutation run that scheduled this file, whether or not its tests ran.
let compiled: ValidateFunction | undefined;
/** The TestRun's CRD-schema errors: [] when it is valid. */
const testRunErrors = (doc: unknown) => {
  compiled ??= new Ajv({ strict: false, allErrors: true }).compile(closed(version.schema.openAPIV3Schema));
  return compiled(doc) ? [] : [...(compiled.errors ?? [])];
};

function files(parallelism = 4) {
  return generate('k6', quantchat, 'microservices', { k6Operator: { parallelism }, baseUrl: 'http://quantchat-gateway:8000', rate: 100 });
}

describe('k6-operator TestRun', () => {
  it('validates against the TestRun CRD schema, with the script in a ConfigMap', () => {
    const fs = files();
    const script = fs.find((f) => f.path === 'k6/load-test.js')!.content;
    const docs = parseAllDocuments(fs.find((f) => f.path === 'k6/testrun.yaml')!.content).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'TestRun']);
    const [cm, tr] = docs;
    new ConfigMap(cm).validate();
    expect(cm.data['load-test.js']).toBe(script);
    expect(testRunErrors(tr)).toEqual([]);
    expect(tr.apiVersion).toBe(`${crd.spec.group}/v1alpha1`);
    expect(tr.kind).toBe(crd.spec.names.kind);
    expect(tr.spec.parallelism).toBe(4);
    expect(tr.spec.script.configMap).toEqual({ name: cm.metadata.name, file: 'load-test.js' });
    expect(tr.spec.runner.env).toEqual([{ name: 'BASE_URL', value: 'http://quantchat-gateway:8000' }]);
  });

  it('the schema check can fail: a misspelt or mistyped field is rejected', () => {
    const tr = parseAllDocuments(files().find((f) => f.path === 'k6/testrun.yaml')!.content)[1]!.toJS();
    expect(testRunErrors({ ...tr, spec: { ...tr.spec, paralelism: 2 } })).not.toEqual([]);
    expect(testRunErrors({ ...tr, spec: { ...tr.spec, parallelism: 'four' } })).not.toEqual([]);
    const { script: _s, ...noScript } = tr.spec;
    expect(testRunErrors({ ...tr, spec: noScript })).not.toEqual([]);
  });

  it('needs a base URL and a sane parallelism', () => {
    expect(() => generate('k6', quantchat, 'microservices', { k6Operator: { parallelism: 2 } })).toThrow(/--k6-operator needs --base-url/);
    expect(() => generate('k6', quantchat, 'microservices', { k6Operator: { parallelism: 0 }, baseUrl: 'http://x' })).toThrow(GenerateError);
  });
});
