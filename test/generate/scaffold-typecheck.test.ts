// Every bundled layout's scaffold typechecks (strict) against the real fastify, prom-client and
// node types (and @grpc/grpc-js, @grpc/proto-loader for gRPC units), in one tsc run; the full
// install-build-test-start cycle is in scaffold.test.ts.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generate } from '../../src/generate/index.js';
import { pairs } from './fixtures.js';
import { parseBlueprint } from '../../src/model/parse.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'archsim-scaffold-tsc-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('scaffold typecheck', () => {
  it('every bundled blueprint × layout scaffold compiles under strict TypeScript', () => {
    // The bundled layouts, and the shop fixture's (a gRPC image, a Go unit, gRPC calls).
    const shop = parseBlueprint(readFileSync(new URL('../fixtures/generate/shop.yaml', import.meta.url), 'utf8'), 'shop.yaml');
    if (!shop.ok) throw new Error('shop fixture does not load');
    const shopPairs = Object.keys(shop.blueprint.layouts).map((layout) => ({ name: `shop/${layout}`, bp: shop.blueprint, layout }));
    // The rpc fixture: Node units that serve gRPC (servers, health, clients between them).
    const rpc = parseBlueprint(readFileSync(new URL('../fixtures/generate/rpc.yaml', import.meta.url), 'utf8'), 'rpc.yaml');
    if (!rpc.ok) throw new Error('rpc fixture does not load');
    const rpcPairs = Object.keys(rpc.blueprint.layouts).map((layout) => ({ name: `rpc/${layout}`, bp: rpc.blueprint, layout }));
    for (const { name, bp, layout } of [...pairs, ...shopPairs, ...rpcPairs]) {
      for (const f of generate('scaffold', bp, layout).filter((x) => x.path.endsWith('.ts') || x.path.endsWith('package.json'))) {
        const p = join(tmp, name.replace('/', '__'), f.path);
        mkdirSync(dirname(p), { recursive: true });
        writeFileSync(p, f.content);
      }
    }
    // The services' own compiler options, over all of them at once, with archsim's installed packages.
    symlinkSync(join(ROOT, 'node_modules'), join(tmp, 'node_modules'), 'dir');
    writeFileSync(
      join(tmp, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', lib: ['ES2023'], strict: true, noUncheckedIndexedAccess: true, skipLibCheck: true, noEmit: true, types: ['node'] },
        include: ['*/services/*/src/**/*.ts', '*/services/*/test/**/*.ts'],
      }),
    );
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', tmp], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);
});
