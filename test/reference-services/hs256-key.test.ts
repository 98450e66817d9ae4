// The HS256 key imported once (runtime/hs256-key.ts): the same key object on every use, and
// tokens interchangeable with ones signed from the raw secret (units, tests and older processes of
// a run sign with either), while a token of another secret still fails.
import { SignJWT, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { importHs256Key, lazyHs256Key } from '../../reference-services/runtime/hs256-key.js';

const secret = new TextEncoder().encode('s'.repeat(64));
const sign = (key: Uint8Array | Awaited<ReturnType<typeof importHs256Key>>) => new SignJWT({ typ: 'access' }).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('5m').sign(key);

describe('HS256 key imported once', () => {
  it('is imported on first use and then shared', async () => {
    const key = lazyHs256Key(secret);
    const a = await key();
    expect(await key()).toBe(a);
    expect(a.extractable).toBe(false);
    expect(a.usages.sort()).toEqual(['sign', 'verify']);
  });

  it('verifies tokens signed from the raw secret and signs tokens the raw secret verifies; another secret fails', async () => {
    const key = await importHs256Key(secret);
    expect((await jwtVerify(await sign(secret), key, { algorithms: ['HS256'] })).payload.sub).toBe('u1');
    expect((await jwtVerify(await sign(key), secret, { algorithms: ['HS256'] })).payload.sub).toBe('u1');
    const other = await importHs256Key(new TextEncoder().encode('t'.repeat(64)));
    await expect(jwtVerify(await sign(secret), other, { algorithms: ['HS256'] })).rejects.toThrow(/signature/i);
  });

  it('refuses an empty secret', async () => {
    await expect(importHs256Key(new Uint8Array(0))).rejects.toThrow();
  });
});
