// The container's health check (compose): exit 0 when this unit's gRPC server answers SERVING
// on the standard health service, 1 otherwise. node:20-slim has no grpc_health_probe.
import { checkHealth } from './remote.js';

const port = Number(process.env.PORT ?? 50051);
checkHealth(`127.0.0.1:${port}`, '', 3000).then(
  (status) => process.exit(status === 'SERVING' ? 0 : 1),
  () => process.exit(1),
);
