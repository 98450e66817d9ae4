// The built-in scenario: GET / (the trivial server answers "ok"). Used by the driver tests,
// the wrk comparison and `archsim loadtest --target URL` without a scenario file.
import type { RequestScenario } from '../scenario.js';

export function createScenario(options?: { path?: string; id?: string }): RequestScenario {
  const path = options?.path ?? '/';
  return { name: 'trivial', operations: [{ id: options?.id ?? 'trivial.get', weight: 1, build: () => ({ method: 'GET', path }) }] };
}
