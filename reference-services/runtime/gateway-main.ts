// The gateway program: ARCHSIM_GATEWAY = JSON {port, routes, upstreams, bodyLimits, internalPort,
// serviceSecret, units} (GatewayOptions).
import { startGateway } from './gateway.js';
import { stopWithParent } from './orphan-watch.js';

const cfg = JSON.parse(process.env.ARCHSIM_GATEWAY ?? '{}') as Parameters<typeof startGateway>[0];
startGateway(cfg).then(
  (g) => {
    process.stdout.write(`${JSON.stringify({ level: 30, msg: 'gateway listening', url: g.url, ...(g.internalUrl ? { internalUrl: g.internalUrl } : {}), routes: cfg.routes.length })}\n`);
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      void g.close().then(() => process.exit(0));
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    stopWithParent((why) => {
      process.stdout.write(`${JSON.stringify({ level: 40, msg: 'shutting down', reason: why })}
`);
      stop();
    });
  },
  (e: Error) => {
    process.stderr.write(`${JSON.stringify({ level: 60, msg: 'gateway failed to start', err: e.message })}\n`);
    process.exit(1);
  },
);
