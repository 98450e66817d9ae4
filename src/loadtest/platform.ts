// `archsim calibrate --platform`: what this machine's runtime costs, measured once and apart from
// any layout. Today: the CPU of one HTTP call on the client side and on the server side, and per
// KiB of payload, with the reference services' own stacks (fastify server, undici client) in two
// processes over loopback. A calibration overlay then carries these as every layout's
// `network.cpuPerCall` and `network.cpuPerKiB` instead of the blueprint's hand-written figures.
import { fork } from 'node:child_process';
import os from 'node:os';
import { z } from 'zod';
import { readProc } from './proc.js';
import { runnableFile } from './runnable.js';

export const PlatformCosts = z.strictObject({
  kind: z.literal('archsim-platform'),
  machine: z.strictObject({ cores: z.number().int().positive(), cpuModel: z.string(), node: z.string() }),
  measured: z.string(),
  loadAverage: z.number().min(0),
  http: z.strictObject({
    /** ms of CPU per call at a near-empty payload */
    clientPerCallMs: z.number().min(0),
    serverPerCallMs: z.number().min(0),
    /** ms of CPU per KiB of payload (request + response) */
    clientPerKiBMs: z.number().min(0),
    serverPerKiBMs: z.number().min(0),
    requests: z.number().int().positive(),
    payloads: z.array(z.number().int().min(0)),
  }),
  /** what the overlay sets in every layout's `network` */
  network: z.strictObject({ cpuPerCall: z.number().min(0), cpuPerKiB: z.number().min(0) }),
  notes: z.array(z.string()),
});
export type PlatformCosts = z.output<typeof PlatformCosts>;

type Sample = { clientCpu: number; serverCpu: number; requests: number; bytes: number };

async function onePayload(bytes: number, requests: number): Promise<Sample> {
  const file = runnableFile(import.meta.url, './platform-child.js');
  const srv = fork(file, ['server'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((res, rej) => {
      srv.once('message', (m: { port: number }) => res(m.port));
      srv.once('exit', (c) => rej(new Error(`the benchmark server exited ${c}`)));
    });
    const cli = fork(file, ['client'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let before = 0;
    const done = await new Promise<{ cpuSeconds: number }>((res, rej) => {
      cli.on('message', (m: { type: string; cpuSeconds?: number }) => {
        if (m.type === 'measure') before = readProc(srv.pid!)?.cpuSeconds ?? 0;
        else if (m.type === 'done') res({ cpuSeconds: m.cpuSeconds! });
      });
      cli.once('exit', (c) => (c ? rej(new Error(`the benchmark client exited ${c}`)) : undefined));
      cli.send({ type: 'client', url: `http://127.0.0.1:${port}`, requests, warmup: Math.max(200, requests / 5), bytes, concurrency: 4 });
    });
    const after = readProc(srv.pid!)?.cpuSeconds ?? 0;
    return { clientCpu: done.cpuSeconds, serverCpu: Math.max(0, after - before), requests, bytes };
  } finally {
    srv.kill();
  }
}

/** Per call at the small payload, and the slope per KiB (request + response) from the large one. Pure. */
export function fitHttp(small: Sample, large: Sample): PlatformCosts['http'] {
  const per = (s: Sample, side: 'clientCpu' | 'serverCpu') => (s[side] * 1000) / s.requests;
  const kib = (2 * (large.bytes - small.bytes)) / 1024; // echoed: request and response
  const slope = (side: 'clientCpu' | 'serverCpu') => Math.max(0, (per(large, side) - per(small, side)) / kib);
  const r = (x: number) => Math.round(x * 10000) / 10000;
  return { clientPerCallMs: r(per(small, 'clientCpu')), serverPerCallMs: r(per(small, 'serverCpu')), clientPerKiBMs: r(slope('clientCpu')), serverPerKiBMs: r(slope('serverCpu')), requests: small.requests, payloads: [small.bytes, large.bytes] };
}

export async function measurePlatform(o: { requests?: number; log?: (l: string) => void } = {}): Promise<PlatformCosts> {
  const requests = o.requests ?? 4000;
  o.log?.(`HTTP calls: ${requests} with a 64-byte body, then ${requests} with 16 KiB (echoed), client and server in their own processes`);
  const small = await onePayload(64, requests);
  const large = await onePayload(16 * 1024, requests);
  const http = fitHttp(small, large);
  const cpus = os.cpus();
  return {
    kind: 'archsim-platform',
    machine: { cores: os.availableParallelism(), cpuModel: cpus[0]?.model.trim() ?? 'unknown', node: process.version },
    measured: new Date().toISOString(),
    loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
    http,
    // The blueprint's network figures are per side: the mean of the two sides.
    network: { cpuPerCall: Math.round(((http.clientPerCallMs + http.serverPerCallMs) / 2) * 10000) / 10000, cpuPerKiB: Math.round(((http.clientPerKiBMs + http.serverPerKiBMs) / 2) * 10000) / 10000 },
    notes: ['not yet measured here: the gateway per request, an event published and consumed on the PostgreSQL queue, connection-pool effects (the blueprint keeps its own figures for those)'],
  };
}
