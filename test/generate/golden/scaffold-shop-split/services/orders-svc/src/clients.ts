// The clients of orders-svc: one typed client per domain its operations reach. A domain this unit
// holds is an in-process call (its handlers); a domain held by another unit is a call over the
// network to that unit (POST /internal/<domain>/<operation>, or its gRPC method, with the
// service token). A handler cannot tell which: moving a domain between units changes this
// file, not the handlers.
import type { OrdersClient } from './contracts/orders.js';
import type { CartClient } from './contracts/cart.js';
import type { CatalogClient } from './contracts/catalog.js';
import { createOrders } from './handlers/orders.js';
import { grpcClient } from './remote.js';

export interface Clients {
  /** orders: in-process */
  orders: OrdersClient;
  /** cart: cart-svc, by gRPC */
  cart: CartClient;
  /** catalog: catalog-svc, by gRPC */
  catalog: CatalogClient;
}

export function createClients(env: Record<string, string | undefined> = process.env): Clients {
  const token = env.SERVICE_TOKEN ?? '';
  const clients = {} as Clients;
  clients.orders = createOrders(clients);
  // cart-svc is not archsim's code: this client assumes it serves proto/system.proto; use its own .proto otherwise.
  clients.cart = grpcClient<CartClient>(env.CART_SVC_GRPC_ADDR ?? "cart-svc:50052", "cart", "shop.v1.Cart", [["get", "get", "Get"]], token);
  // catalog-svc is not archsim's code: this client assumes it serves proto/system.proto; use its own .proto otherwise.
  clients.catalog = grpcClient<CatalogClient>(env.CATALOG_SVC_GRPC_ADDR ?? "catalog-svc:50051", "catalog", "shop.v1.Catalog", [["list", "list", "List"]], token);
  return clients;
}
