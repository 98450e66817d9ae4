// Handlers of the api domain
// Tables owned: accounts. One handler per operation; each throws
// NotImplemented (501) until implemented. `clients` reaches every domain the operations call,
// in this unit or another, through the same typed interface.
import type { Clients } from '../clients.js';
import type * as contract from '../contracts/api.js';
import { NotImplemented } from '../errors.js';

export function createApi(clients: Clients): contract.ApiClient {
  void clients;
  return {
    /** api.list: GET /api/items: cpu ≈1 ms; db 1 read(s), 0 write(s); calls search.find; emits item.seen */
    async list(input: contract.ListInput): Promise<contract.ListResult> {
      // TODO: implement api.list; calls clients.search.find(…); publish what it emits: publishItemSeen(clients, payload) from ../events.js.
      void input;
      throw new NotImplemented("api.list");
    },
    /** api.item: GET /api/items/{id}: cpu ≈1 ms; db 1 read(s), 0 write(s) */
    async item(input: contract.ItemInput): Promise<contract.ItemResult> {
      // TODO: implement api.item.
      void input;
      throw new NotImplemented("api.item");
    },
    /** api.exact: GET /api/items/special: cpu ≈1 ms */
    async exact(input: contract.ExactInput): Promise<contract.ExactResult> {
      // TODO: implement api.exact.
      void input;
      throw new NotImplemented("api.exact");
    },
  };
}
