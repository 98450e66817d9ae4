// --db container: PostgreSQL in a Docker container through testcontainers (the image the
// generated files name, postgres:16; on machines without a registry, the local build of
// scripts/build-local-images.sh). Skips, saying why, when no Docker engine answers or the
// image is not there. Runs in the host's network namespace (published ports live there), on
// port offsets no other suite uses.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrations as authMigrations } from '../../reference-services/domains/auth/migrations.js';
import { CONTAINER_LABEL, DEFAULT_DB_IMAGE } from '../../reference-services/runtime/postgres.js';
import { startLayout } from '../../reference-services/launcher/layout.js';
import { archsim } from '../helpers/cli.js';
import { api, BLUEPRINT, newUser, profileReady, sql, waitFor } from './helpers.js';

process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

/** Why the container tests cannot run here, or undefined when they can. */
async function noDocker(): Promise<string | undefined> {
  try {
    const { getContainerRuntimeClient, ImageName } = await import('testcontainers');
    const client = await Promise.race([getContainerRuntimeClient(), new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no answer in 15 s')), 15_000))]);
    if (!(await client.image.exists(ImageName.fromString(DEFAULT_DB_IMAGE)))) {
      return `image ${DEFAULT_DB_IMAGE} is not on this Docker engine (scripts/build-local-images.sh builds it from Debian's packages)`;
    }
    return undefined;
  } catch (e) {
    return `no Docker engine answers (${(e as Error).message.split('\n')[0]})`;
  }
}

/** Containers archsim started (by its label), running or not. */
async function archsimContainers(): Promise<{ id: string; ports: unknown }[]> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const client = await getContainerRuntimeClient();
  const list = await client.container.list();
  return list.filter((c) => c.Labels?.[CONTAINER_LABEL] !== undefined).map((c) => ({ id: c.Id, ports: c.Ports }));
}

const skip = await noDocker();
if (skip) console.warn(`container tests skipped: ${skip}`);

describe.skipIf(skip !== undefined)('--db container (testcontainers)', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'archsim-container-'));
  afterAll(() => {
    archsim(['down'], { cwd });
    rmSync(cwd, { recursive: true, force: true });
  });

  it('runs the monolith on PostgreSQL in a container: published on 127.0.0.1 only, migrated, serving; stop removes the container', { timeout: 180_000 }, async () => {
    const before = new Set((await archsimContainers()).map((c) => c.id));
    const L = await startLayout(BLUEPRINT, 'monolith', { db: 'container', portOffset: 18900, logLevel: 'warn' });
    let id: string | undefined;
    try {
      expect(L.postgres.kind).toBe('container');
      id = L.postgres.containerId;
      expect(id).toMatch(/^[a-f0-9]{64}$/);
      const mine = (await archsimContainers()).find((c) => c.id === id);
      // Every published binding of the container is on the loopback interface.
      expect(mine?.ports).toEqual([expect.objectContaining({ IP: '127.0.0.1', PrivatePort: 5432, PublicPort: L.postgres.port })]);
      const url = L.databaseOf('auth');
      expect(url).toContain(`@127.0.0.1:${L.postgres.port}/`);
      // The reference services' migrations ran against it, each step once.
      expect((await sql<{ n: number }>(url, 'SELECT count(*)::int AS n FROM auth.schema_migrations'))[0]!.n).toBe(authMigrations.length);
      expect((await sql<{ v: string }>(url, "SELECT current_setting('fsync') AS v"))[0]!.v).toBe('on');
      // End to end: two users, a contact, a message, the conversation read back.
      const call = api(L.gatewayUrl);
      const alice = await newUser(call, 'ca');
      const bob = await newUser(call, 'cb');
      await profileReady(call, alice);
      await profileReady(call, bob);
      expect((await call('POST', '/api/v1/contacts', { token: alice.token, body: { contactId: bob.id } })).status).toBe(201);
      expect((await call('POST', '/api/v1/contacts', { token: bob.token, body: { contactId: alice.id } })).status).toBe(201);
      const sent = await call('POST', '/api/v1/messages/send', { token: alice.token, body: { recipientId: bob.id, encryptedContent: 'in-a-container', encryptedSessionKey: 'k' } });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      await waitFor(async () => {
        const conv = await call('GET', `/api/v1/messages/conversation/${alice.id}`, { token: bob.token });
        return conv.status === 200 && JSON.stringify(conv.body).includes('in-a-container');
      }, 10_000, 'the message in the conversation');
    } finally {
      await L.stop();
    }
    const after = (await archsimContainers()).map((c) => c.id).filter((c) => !before.has(c));
    expect(after).toEqual([]);
  });

  it('`up --db container` then a killed supervisor: `down` still removes the container', { timeout: 240_000 }, async () => {
    const up = archsim(['up', BLUEPRINT, '--layout', 'monolith', '--db', 'container', '--port-offset', '19000', '--detach', '--json'], { cwd, timeoutMs: 180_000 });
    expect(up.code, up.stderr).toBe(0);
    const state = JSON.parse(up.stdout);
    expect(state.postgres.kind).toBe('container');
    const id: string = state.postgres.containerId;
    expect((await archsimContainers()).map((c) => c.id)).toContain(id);
    expect((await fetch(`${state.gatewayUrl}/health`)).status).toBe(200);
    // The supervisor dies without stopping anything: down cleans up after it.
    process.kill(state.supervisorPid, 'SIGKILL');
    const down = archsim(['down', '--json'], { cwd });
    expect(down.code, down.stderr).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ stopped: true, removedContainer: id });
    expect((await archsimContainers()).map((c) => c.id)).not.toContain(id);
    // No docker CLI needed for the check above; where it exists, it agrees.
    const ps = spawnSync('docker', ['ps', '-aq', '--no-trunc', '--filter', `id=${id}`], { encoding: 'utf8' });
    if (ps.status === 0) expect(ps.stdout.trim()).toBe('');
  });
});
