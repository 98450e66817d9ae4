// The request id of the request being served, wherever the code is (clients, event emits),
// without threading it through every call.
import { AsyncLocalStorage } from 'node:async_hooks';

export const requestContext = new AsyncLocalStorage<{ requestId: string }>();
export const currentRequestId = () => requestContext.getStore()?.requestId;
