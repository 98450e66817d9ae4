// The request id of the request being served, wherever the code is (clients, event emits),
// without threading it through every call.
import { AsyncLocalStorage } from 'node:async_hooks';

/** `op`: the operation being served (public or internal), for the per-operation CPU profile (op-cpu.ts). */
export const requestContext = new AsyncLocalStorage<{ requestId: string; op?: string }>();
export const currentRequestId = () => requestContext.getStore()?.requestId;
