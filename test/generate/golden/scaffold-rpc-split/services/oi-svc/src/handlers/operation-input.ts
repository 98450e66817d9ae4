// Handlers of the operation-input domain
// Tables owned: none. One handler per operation; each throws
// NotImplemented (501) until implemented. `clients` reaches every domain the operations call,
// in this unit or another, through the same typed interface.
import type { Clients } from '../clients.js';
import type * as contract from '../contracts/operation-input.js';
import { NotImplemented } from '../errors.js';

export function createOperationInput(clients: Clients): contract.OperationInputClient {
  void clients;
  return {
    /** operation-input.list: GET /oi: cpu ≈1 ms; calls a_b.get */
    async list(input: contract.ListInput): Promise<contract.ListResult> {
      // TODO: implement operation-input.list; calls clients.aB.get(…).
      void input;
      throw new NotImplemented("operation-input.list");
    },
  };
}
