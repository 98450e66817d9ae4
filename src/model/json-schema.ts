// The JSON Schema editors use to complete blueprints, generated from the zod schema.
import { z } from 'zod';
import { Blueprint } from './schema.js';

export function blueprintJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Blueprint, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return {
    ...schema,
    $id: 'https://archsim.dev/schemas/blueprint.schema.json',
    title: 'archsim blueprint',
    description: 'A system (domains, operations, events) and its deployment layouts, for archsim.',
  };
}
