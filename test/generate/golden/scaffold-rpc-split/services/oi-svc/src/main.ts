// Start oi-svc's gRPC server: listen on PORT (default 50051).
// On SIGTERM or SIGINT report NOT_SERVING, finish in-flight calls (10 s at most) and exit.
await serve();

/** The event loop serving. */
async function serve(): Promise<void> {
  const grpc = await import('@grpc/grpc-js');
  const { buildServer, SERVICE } = await import('./grpc-server.js');
  const port = Number(process.env.PORT ?? 50051);
  const host = process.env.HOST ?? '0.0.0.0';
  const app = buildServer();
  const log = (msg: string, extra: Record<string, unknown> = {}) => console.log(JSON.stringify({ time: Date.now(), pid: process.pid, service: SERVICE, msg, ...extra }));
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // on, with a guard: a second signal while stopping changes nothing.
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
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
  const bound = await new Promise<number>((resolve) =>
    app.server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => {
      if (err) {
        console.error(err);
        process.exit(1);
      }
      resolve(p);
    }),
  );
  log('listening', { port: bound });
}
