// Writes schemas/blueprint.schema.json from the zod schema (the single source of truth).
// Run with `npm run schema` after changing src/model/schema.ts; a test fails on drift.
import { writeFileSync } from 'node:fs';
import { blueprintJsonSchema } from '../dist/src/model/json-schema.js';

const target = new URL('../schemas/blueprint.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(blueprintJsonSchema(), null, 2)}\n`);
console.log('wrote schemas/blueprint.schema.json');

const { resultJsonSchema } = await import('../dist/src/loadtest/result.js');
writeFileSync(new URL('../schemas/loadtest-result.schema.json', import.meta.url), `${JSON.stringify(resultJsonSchema(), null, 2)}\n`);
console.log('wrote schemas/loadtest-result.schema.json');

const { planJsonSchema } = await import('../dist/src/plan/schema.js');
writeFileSync(new URL('../schemas/plan.schema.json', import.meta.url), `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log('wrote schemas/plan.schema.json');
