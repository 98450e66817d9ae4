// Start oi-svc's gRPC server: listen on PORT (default 50051); on SIGTERM or SIGINT report
// NOT_SERVING, finish in-flight calls (10 s at most) and exit.
import * as grpc from '@grpc/grpc-js';
import { buildServer, SERVICE } from './grpc-server.js';

const port = Number(process.env.PORT ?? 50051);
const host = process.env.HOST ?? '0.0.0.0';
const app = buildServer();
const log = (msg: string, extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ time: Date.now(), service: SERVICE, msg, ...extra }));

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    log('shutting down', { signal });
    app.drain();
    const force = setTimeout(() => {
      app.server.forceShutdown();
      process.exit(1);
    }, 10_000);
    force.unref();
    app.server.tryShutdown((err) => {
      if (err) console.error(err);
      process.exit(err ? 1 : 0);
    });
  });
}

app.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
  if (err) {
    console.error(err);
    process.exit(1);
  }
  log('listening', { port: bound });
});
