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

export async function moduleSurface(domain: string, mod: DomainModule<any>): Promise<ModuleSurface> {
  const ctx = { domain, unit: domain, db: {}, clients: {}, emit: idle, config: {}, log: quiet, authenticate: idle } as unknown as DomainContext;
  const app = Fastify({ logger: false });
  const routes: string[] = [];
  app.addHook('onRoute', (r) => {
    for (const m of [r.method].flat()) if (m !== 'HEAD') routes.push(`${m} ${r.url}`);
  });
  try {
    await app.register(mod.routes({} as never, ctx));
    await app.ready();
  } finally {
    await app.close();
  }
  return { routes, internal: Object.keys(mod.internal?.({} as never) ?? {}).map(kebab), consumers: Object.keys(mod.consumers?.({} as never) ?? {}) };
}

/** Every module's surface, by domain. */
export async function moduleSurfaces(modules: Readonly<Record<string, DomainModule<any>>>): Promise<Record<string, ModuleSurface>> {
  const out: Record<string, ModuleSurface> = {};
  for (const [d, mod] of Object.entries(modules)) out[d] = await moduleSurface(d, mod);
  return out;
}
