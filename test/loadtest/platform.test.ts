// calibrate --platform: the HTTP microbenchmark (real fastify server, real undici client, two
// processes), the fit, and the overlay carrying the figures as every layout's network CPU.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBlueprint } from '../../src/io/load.js';
import { calibrate, overlayYaml } from '../../src/loadtest/calibrate.js';
import { fitHttp, measurePlatform, PlatformCosts } from '../../src/loadtest/platform.js';
import { ROOT } from '../helpers/cli.js';

describe('platform costs', () => {
  it('fits per call from the small payload and per KiB (request + response) from the large one', () => {
    const h = fitHttp({ clientCpu: 0.2, serverCpu: 0.3, gatewayCpu: 0, requests: 1000, bytes: 64 }, { clientCpu: 0.2 + 32 * 0.01, serverCpu: 0.3 + 32 * 0.02, gatewayCpu: 0, requests: 1000, bytes: 64 + 16 * 1024 });
    expect(h.clientPerCallMs).toBe(0.2);
    expect(h.serverPerCallMs).toBe(0.3);
    // 16 KiB each way = 32 KiB per call
    expect(h.clientPerKiBMs).toBeCloseTo(0.01, 4);
    expect(h.serverPerKiBMs).toBeCloseTo(0.02, 4);
  });

  it('measures HTTP call CPU on both sides and the reference gateway’s per request, with real processes, and the overlay sets every layout’s network from it', async () => {
    const p = PlatformCosts.parse(await measurePlatform({ requests: 400 }));
    expect(p.http.clientPerCallMs).toBeGreaterThan(0);
    expect(p.http.serverPerCallMs).toBeGreaterThan(0);
    expect(p.http.clientPerCallMs).toBeLessThan(20);
    // The gateway is a server and a client in one process: it costs more than either side of a bare call.
    expect(p.gateway!.requests).toBe(400);
    expect(p.gateway!.perRequestMs).toBeGreaterThan(Math.min(p.http.clientPerCallMs, p.http.serverPerCallMs));
    expect(p.gateway!.perRequestMs).toBeLessThan(20);
    expect(p.paceMs).toBeGreaterThan(0);
    expect(p.network.cpuPerCall).toBeCloseTo((p.http.clientPerCallMs + p.http.serverPerCallMs) / 2, 3);

    const BP = join(ROOT, 'blueprints/quantchat.yaml');
    const bp = loadBlueprint(BP).blueprint;
    const r = JSON.parse(JSON.stringify((await import('./calibrate.test-data.js')).oneResult()));
    const cal = calibrate(bp, [r], { layout: 'monolith' });
    const dir = mkdtempSync(join(tmpdir(), 'archsim-platform-'));
    const file = join(dir, 'o.yaml');
    writeFileSync(file, overlayYaml(bp, cal, { extendsPath: BP, sources: ['x'], platform: p }));
    const o = loadBlueprint(file).blueprint;
    for (const l of Object.keys(bp.layouts)) expect(o.layouts[l]!.network.cpuPerCall).toBeCloseTo(p.network.cpuPerCall, 4);
    // the rest of each layout is the blueprint's own
    expect(o.layouts.microservices!.network.latency).toBe(bp.layouts.microservices!.network.latency);
    expect(Object.keys(o.layouts.microservices!.units)).toEqual(Object.keys(bp.layouts.microservices!.units));
  }, 120_000);
});
