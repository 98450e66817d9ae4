// The gateway program: ARCHSIM_GATEWAY = JSON {port, routes, upstreams, bodyLimits, internalPort,
// serviceSecret, units} (GatewayOptions).
import { startGateway } from './gateway.js';

const cfg = JSON.parse(process.env.ARCHSIM_GATEWAY ?? '{}') as Parameters<typeof startGateway>[0];
startGateway(cfg).then(
  (g) => {
    process.stdout.write(`${JSON.stringify({ level: 30, msg: 'gateway listening', url: g.url, ...(g.internalUrl ? { internalUrl: g.internalUrl } : {}), routes: cfg.routes.length })}\n`);
    const stop = () => void g.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (e: Error) => {
    process.stderr.write(`${JSON.stringify({ level: 60, msg: 'gateway failed to start', err: e.message })}\n`);
    process.exit(1);
  },
);
