// A scenario from route templates: each operation sends its route's method and path, with
// {param} placeholders filled with small integers and an empty JSON body for writes. A generic
// stand-in for services without request builders (archsim loadtest --target with a blueprint);
// the reference services bring real builders (authenticated, seeded ids).
import type { Scenario } from '../scenario.js';

export type RouteOperation = { id: string; weight: number; method: string; path: string; body?: string; headers?: Record<string, string> };

export function createScenario(options: { operations: RouteOperation[]; idRange?: number }): Scenario {
  const range = options.idRange ?? 1000;
  return {
    name: 'routes',
    operations: options.operations.map((o) => ({
      id: o.id,
      weight: o.weight,
      build: (ctx) => {
        const path = o.path.replace(/\{[^}]+\}/g, () => String(1 + Math.floor(ctx.random() * range)));
        const write = o.method !== 'GET' && o.method !== 'HEAD' && o.method !== 'DELETE';
        return {
          method: o.method,
          path,
          headers: { ...(write ? { 'content-type': 'application/json' } : {}), ...o.headers },
          body: write ? (o.body ?? '{}') : undefined,
        };
      },
    })),
  };
}
