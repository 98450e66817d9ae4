// The compose-spec JSON schema (schemas/compose-spec.json), compiled on first use and shared by the
// test files of one process: compiled at each file's module level it cost every mutation run that
// scheduled the file (npm run mutate: one run per mutant) a compile, seconds under load, whether
// or not its tests ran.
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

let validate: ValidateFunction | undefined;

/** The document's compose-spec errors: [] when it is valid. */
export function composeErrors(doc: unknown): ErrorObject[] {
  if (!validate) {
    const schema = JSON.parse(readFileSync(new URL('../../schemas/compose-spec.json', import.meta.url), 'utf8'));
    delete schema.$schema; // draft-07, ajv's default dialect; its meta-schema URL is spelled differently
    const ajv = new Ajv({ allErrors: true, strict: false });
    (addFormats as unknown as (a: Ajv) => void)(ajv);
    validate = ajv.compile(schema);
  }
  return validate(doc) ? [] : [...(validate.errors ?? [{ message: 'invalid' } as ErrorObject])];
}
