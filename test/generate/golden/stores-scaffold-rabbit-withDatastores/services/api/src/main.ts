// Start api: listen on PORT (default 8000).
// On SIGTERM or SIGINT stop accepting, finish in-flight requests and exit.
await serve();

/** The event loop serving. */
async function serve(): Promise<void> {
  const { buildApp } = await import('./app.js');
  const port = Number(process.env.PORT ?? 8000);
  const host = process.env.HOST ?? '0.0.0.0';
  const app = buildApp({ logger: true });
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // on, with a guard: a second signal while stopping changes nothing.
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      app.log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 10_000);
      force.unref();
      app.close().then(
        () => process.exit(0),
        (err: unknown) => {
          app.log.error(err);
          process.exit(1);
        },
      );
    });
  }
  try {
    await app.listen({ port, host });
  } catch (err) {
    app.log.error(err);
    process.exit(1);
  }
}
