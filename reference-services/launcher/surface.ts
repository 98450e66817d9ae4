// What each bundled domain module serves: its public routes, its internal handlers and its event
// consumers. The modules register their routes in code, so they are read here by registering each
// module's routes on a throwaway Fastify instance, with a service and a context that do nothing
// (no database, no clients, no network: route registration touches none of them).
import Fastify from 'fastify';
import type { DomainContext, DomainModule } from '../runtime/context.js';
import { kebab } from '../runtime/names.js';

export interface ModuleSurface {
  /** "METHOD /path/:param" as Fastify routes them (HEAD, which Fastify adds to every GET, left out) */
  routes: string[];
  /** internal operations, kebab-case as the blueprint names them */
  internal: string[];
  /** operations that consume an event, kebab-case */
  consumers: string[];
}

const idle = async () => undefined;
const quiet = { info: idle, warn: idle, error: idle, debug: idle, trace: idle, fatal: idle, child: () => quiet };

/**
 * Every module's surface, by domain: all registered on one instance, as the monolith registers
 * them, each inside a scope of its own whose route hook records that domain's routes, and read
 * once the plugins have loaded, without compiling their schemas (one instance per module, made
 * ready, took twice as long: 440 against 220 ms the first time in a process).
 */
export async function moduleSurfaces(modules: Readonly<Record<string, DomainModule<any>>>): Promise<Record<string, ModuleSurface>> {
  const out: Record<string, ModuleSurface> = {};
  const app = Fastify({ logger: false });
  for (const [domain, mod] of Object.entries(modules)) {
    const routes: string[] = [];
    out[domain] = { routes, internal: Object.keys(mod.internal?.({} as never) ?? {}).map(kebab), consumers: Object.keys(mod.consumers?.({} as never) ?? {}) };
    const ctx = { domain, unit: domain, db: {}, clients: {}, emit: idle, config: {}, log: quiet, authenticate: idle } as unknown as DomainContext;
    void app.register(async (scope) => {
      scope.addHook('onRoute', (r) => {
        for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push(`${m} ${r.url}`);
      });
      await scope.register(mod.routes({} as never, ctx));
    });
  }
  try {
    await app.after();
  } finally {
    await app.close();
  }
  return out;
}
