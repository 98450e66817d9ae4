// The clients of api: one typed client per domain its operations reach. A domain this unit
// holds is an in-process call (its handlers); a domain held by another unit is a call over the
// network to that unit (POST /internal/<domain>/<operation>, or its gRPC method, with the
// service token). A handler cannot tell which: moving a domain between units changes this
// file, not the handlers.
import type { ApiClient } from './contracts/api.js';
import type { SearchClient } from './contracts/search.js';
import { createApi } from './handlers/api.js';
import { httpClient } from './remote.js';

export interface Clients {
  /** api: in-process */
  api: ApiClient;
  /** search: search, by HTTP */
  search: SearchClient;
}

export function createClients(env: Record<string, string | undefined> = process.env): Clients {
  const token = env.SERVICE_TOKEN ?? '';
  const clients = {} as Clients;
  clients.api = createApi(clients);
  clients.search = httpClient<SearchClient>(env.SEARCH_URL ?? "http://search:8080", "search", [["find", "find"]], token);
  return clients;
}
