// `generate k6 --base-url URL`: the user says where the system is, so the script's gRPC calls go
// to that URL's host too: through the gateway's gRPC listener where the layout has a gateway,
// else to each gRPC unit's own port there (the one address given cannot say where else a unit
// listens; <UNIT>_GRPC_ADDR overrides). The header names the address, and the host is parsed with
// new URL when the script is written: the script's own parser kept an IDN as Unicode
// (bücher.example), which a gRPC client cannot resolve. The k6-operator's TestRun, whose runners
// get the same URL as BASE_URL, dials the same addresses.
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { baseUrlHost, k6Script } from '../../src/generate/k6.js';
import { parseBlueprint } from '../../src/model/parse.js';
import type { Blueprint } from '../../src/model/schema.js';

function load(text: string): Blueprint {
  const r = parseBlueprint(text, 'inline.yaml');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.blueprint;
}

// Two public gRPC units (pricing-engine with three replicas) and an HTTP one, with and without a gateway.
const mesh = load(`apiVersion: archsim/v1
kind: Blueprint
metadata: { name: ridemesh }
system:
  domains:
    rider:
      operations:
        ride-status: { route: "GET /rides/{rideId}", cpu: 0.2ms }
    pricing:
      operations:
        surge-map: { route: "GET /pricing/surge", cpu: 0.5ms }
    driver:
      operations:
        update-position: { route: "PUT /drivers/{driverId}/position", cpu: 0.2ms }
layouts:
  mesh:
    protocol: grpc
    units:
      rider-api: { domains: [rider], port: 8080, protocol: http }
      pricing-engine: { domains: [pricing], port: 50051, replicas: 3 }
      driver-svc: { domains: [driver], port: 50052 }
  mesh-gw:
    protocol: grpc
    gateway: { kind: nginx, port: 8443 }
    units:
      rider-api: { domains: [rider], port: 8080, protocol: http }
      pricing-engine: { domains: [pricing], port: 50051, replicas: 3 }
      driver-svc: { domains: [driver], port: 50052 }
workload:
  rate: 10/s
  duration: 20s
  mix: { rider.ride-status: 1, pricing.surge-map: 1, driver.update-position: 1 }
`);

const lineOf = (script: string, start: string) => script.split('\n').find((l) => l.startsWith(start));

/**
 * The script run in-process with stand-in k6 modules: returns a sender of an operation and the
 * addresses its gRPC calls went to (and the URLs of its HTTP requests).
 */
function runScript(script: string, env: Record<string, string>) {
  const calls: string[] = [];
  const urls: string[] = [];
  class Client {
    addr = '';
    load() {}
    connect(addr: string) {
      this.addr = addr;
    }
    invoke() {
      calls.push(this.addr);
      return { status: 0 };
    }
  }
  const http = { request: (_m: string, url: string) => (urls.push(url), { status: 200 }) };
  const body = script
    .split('\n')
    .filter((l) => !l.startsWith('import '))
    .join('\n')
    .replace(/^export (const|function)/gm, '$1');
  const run = new Function('__ENV', 'grpc', 'http', 'ws', 'exec', 'check', 'sleep', `${body}\nreturn { send };`) as (...a: unknown[]) => { send: (data: unknown, position: number, warm: boolean) => void };
  const k6 = run(env, { Client, StatusOK: 0 }, http, {}, {}, () => true, () => {});
  const OPS = JSON.parse(/^const OPERATIONS = (\[[\s\S]*?\n\]);$/m.exec(script)![1]!) as { id: string }[];
  const ORDER = JSON.parse(/^const ORDER = (.*);$/m.exec(script)![1]!) as { cycle: number[] };
  /** Send the operation `id` once (at its first position in the order). */
  const send = (id: string) => k6.send({}, ORDER.cycle.indexOf(OPS.findIndex((o) => o.id === id)), false);
  return { send, calls, urls };
}

describe('generate k6 --base-url: where the gRPC calls go', () => {
  it('baseUrlHost parses with new URL: an IDN as punycode, IPv6 in brackets, no user or port; not http(s): none', () => {
    expect(baseUrlHost('http://sys.example:9000/')).toBe('sys.example');
    expect(baseUrlHost('https://u:p%40ss@GW.Example.:8443/api?x=1#y')).toBe('gw.example.');
    expect(baseUrlHost('http://bücher.example:9000')).toBe('xn--bcher-kva.example');
    expect(baseUrlHost('http://[::1]:9000')).toBe('[::1]');
    expect(baseUrlHost('http://127.1:8000')).toBe('127.0.0.1');
    expect(baseUrlHost('ftp://sys.example')).toBeUndefined();
    expect(baseUrlHost('notaurl')).toBeUndefined();
  });

  describe('without a gateway: HTTP to the base URL, each gRPC unit at its own port on its host', () => {
    const script = k6Script(mesh, 'mesh', { baseUrl: 'http://sys.example:9000/' });

    it('the header says where gRPC goes, the script dials there', () => {
      expect(lineOf(script, '// Run:')).toBe('// Run: k6 run -e BASE_URL=http://sys.example:9000 load-test.js');
      expect(script).toContain(
        [
          '// k6/net/grpc on system.proto (keep it beside this script), in plain text (h2c), dialling',
          "// PRICING_ENGINE_GRPC_ADDR (default: sys.example:50051, BASE_URL's host and the unit's own port)",
          "// DRIVER_SVC_GRPC_ADDR (default: sys.example:50052, BASE_URL's host and the unit's own port)",
          '// Route parameters',
        ].join('\n'),
      );
      expect(lineOf(script, 'const GRPC_PORTS = ')).toBe('const GRPC_PORTS = {"PRICING_ENGINE_GRPC_ADDR":[50051],"DRIVER_SVC_GRPC_ADDR":[50052]};');
      expect(lineOf(script, 'const BASE_HOST = ')).toBe('const BASE_HOST = BASE_URL === "http://sys.example:9000" ? "sys.example" : hostOf(BASE_URL);');
      // one address for HTTP: no per-unit URLs
      expect(lineOf(script, 'const BASE_URL = ')).toBe(String.raw`const BASE_URL = (__ENV.BASE_URL || "http://sys.example:9000").replace(/\/+$/, '');`);
      expect(script).not.toContain('UNIT_URLS');
      const k6 = runScript(script, {});
      k6.send('pricing.surge-map');
      k6.send('driver.update-position');
      k6.send('rider.ride-status');
      expect(k6.calls).toEqual(['sys.example:50051', 'sys.example:50052']);
      expect(k6.urls).toEqual(['http://sys.example:9000/rides/0']);
    });

    it('BASE_URL at run time moves the gRPC calls to its host; a unit’s variable moves that unit’s', () => {
      const k6 = runScript(script, { BASE_URL: 'http://10.0.0.7:8080', DRIVER_SVC_GRPC_ADDR: 'driver:7000' });
      k6.send('pricing.surge-map');
      k6.send('driver.update-position');
      expect(k6.calls).toEqual(['10.0.0.7:50051', 'driver:7000']);
    });

    it('an IDN base URL is dialled as punycode, an IPv6 one in brackets, a user part left out', () => {
      const at = (baseUrl: string) => {
        const k6 = runScript(k6Script(mesh, 'mesh', { baseUrl }), {});
        k6.send('driver.update-position');
        return k6.calls[0];
      };
      expect(at('http://bücher.example:9000')).toBe('xn--bcher-kva.example:50052');
      expect(at('http://[::1]:9000')).toBe('[::1]:50052');
      expect(at('https://load:secret@sys.example')).toBe('sys.example:50052');
      expect(lineOf(k6Script(mesh, 'mesh', { baseUrl: 'http://bücher.example:9000' }), '// DRIVER_SVC_GRPC_ADDR')).toBe(
        "// DRIVER_SVC_GRPC_ADDR (default: xn--bcher-kva.example:50052, BASE_URL's host and the unit's own port)",
      );
    });
  });

  it('with a gateway: the base URL’s host, the gateway’s gRPC port', () => {
    const script = k6Script(mesh, 'mesh-gw', { baseUrl: 'http://gw.example:8443' });
    expect(lineOf(script, '// GRPC_ADDR ')).toBe("// GRPC_ADDR (default: gw.example:8444, BASE_URL's host and the gateway's gRPC port)");
    expect(lineOf(script, 'const GRPC_PORTS = ')).toBe('const GRPC_PORTS = {"GRPC_ADDR":[8444]};');
    const k6 = runScript(script, {});
    k6.send('pricing.surge-map');
    k6.send('driver.update-position');
    expect(k6.calls).toEqual(['gw.example:8444', 'gw.example:8444']);
  });

  it('without --base-url the header is as before (BASE_URL’s host, the published ports)', () => {
    const script = k6Script(mesh, 'mesh');
    expect(lineOf(script, '// PRICING_ENGINE_GRPC_ADDR')).toBe("// PRICING_ENGINE_GRPC_ADDR (default: BASE_URL's host, ports 50051-50053, one per replica, taken in turn)");
    expect(lineOf(script, 'const BASE_HOST = ')).toBe('const BASE_HOST = hostOf(BASE_URL);');
  });

  it('a base URL that is not http(s) (the library takes any string): the script parses BASE_URL itself', () => {
    const script = k6Script(mesh, 'mesh', { baseUrl: 'gw.example:9000' });
    expect(lineOf(script, 'const BASE_HOST = ')).toBe('const BASE_HOST = hostOf(BASE_URL);');
    expect(lineOf(script, '// DRIVER_SVC_GRPC_ADDR')).toBe("// DRIVER_SVC_GRPC_ADDR (default: BASE_URL's host, port 50052)");
  });

  it('the k6-operator TestRun: its runners’ BASE_URL is the base URL, and its script dials the same addresses', () => {
    const files = generate('k6', mesh, 'mesh', { baseUrl: 'http://bücher.example:9000', k6Operator: { parallelism: 2 } });
    const [cm, run] = parseAllDocuments(files.find((f) => f.path === 'k6/testrun.yaml')!.content).map((d) => d.toJS());
    const env = Object.fromEntries((run.spec.runner.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
    expect(env).toEqual({ BASE_URL: 'http://bücher.example:9000' });
    const script = cm.data['load-test.js'] as string;
    expect(script).toBe(files.find((f) => f.path === 'k6/load-test.js')!.content);
    const k6 = runScript(script, env);
    k6.send('pricing.surge-map');
    k6.send('driver.update-position');
    expect(k6.calls).toEqual(['xn--bcher-kva.example:50051', 'xn--bcher-kva.example:50052']);
  });
});
