// Handlers of the a_b domain
// Tables owned: none. One handler per operation; each throws
// NotImplemented (501) until implemented. `clients` reaches every domain the operations call,
// in this unit or another, through the same typed interface.
import type { Clients } from '../clients.js';
import type * as contract from '../contracts/a_b.js';
import { NotImplemented } from '../errors.js';

export function createAB2(clients: Clients): contract.AB2Client {
  void clients;
  return {
    /** a_b.get: GET /ab2: cpu ≈1 ms */
    async get(input: contract.GetInput): Promise<contract.GetResult> {
      // TODO: implement a_b.get.
      void input;
      throw new NotImplemented("a_b.get");
    },
  };
}
