import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../config';
import { createTokenService } from './tokens';

const secret = new TextEncoder().encode('s'.repeat(40));
const alice = { userId: 'alice', name: 'Alice', role: 'student' as const };

describe('token service', () => {
  it('verifies what it issued, with the expiry it announced', async () => {
    const now = 1_800_000_000_000;
    const service = createTokenService({ secret, ttlSeconds: 3600, now: () => now });

    const { token, expiresAt } = await service.issue(alice);

    expect(await service.verify(token)).toEqual(alice);
    expect(expiresAt).toBe(now + 3600_000);
  });

  it('refuses a token once expired (beyond a few seconds of clock skew)', async () => {
    let now = 1_800_000_000_000;
    const service = createTokenService({ secret, ttlSeconds: 60, now: () => now });
    const { token } = await service.issue(alice);

    now += 64_000;
    const withinSkew = await service.verify(token);
    now += 2_000;

    expect(withinSkew).toEqual(alice);
    expect(await service.verify(token)).toBeUndefined();
  });

  it('refuses a token older than the lifetime configured now, whatever its own expiry says', async () => {
    let now = 1_800_000_000_000;
    const before = createTokenService({ secret, ttlSeconds: 7 * 86_400, now: () => now });
    const after = createTokenService({ secret, ttlSeconds: 3600, now: () => now });
    const { token } = await before.issue(alice);

    now += 1800_000;
    const young = await after.verify(token);
    now += 3600_000;

    expect(young).toEqual(alice);
    expect(await after.verify(token)).toBeUndefined();
    expect(await before.verify(token)).toEqual(alice);
  });

  it('caps the configured token lifetime at 7 days', () => {
    expect(() => readConfig({ TOKEN_TTL_SECONDS: String(7 * 86_400 + 1) })).toThrow(/7 days/);
    expect(readConfig({ TOKEN_TTL_SECONDS: String(7 * 86_400) }).tokenTtlSeconds).toBe(7 * 86_400);
  });

  it('refuses alg none, another key, another algorithm, and claims of the wrong shape', async () => {
    const service = createTokenService({ secret, ttlSeconds: 60 });
    const exp = Math.floor(Date.now() / 1000) + 60;
    const claims = { name: 'Alice', role: 'admin' };
    const none = new UnsecuredJWT(claims)
      .setSubject('alice')
      .setIssuer('campus-chat')
      .setAudience('campus-chat')
      .setExpirationTime(exp)
      .encode();
    const sign = (key: Uint8Array, alg = 'HS256', body: Record<string, unknown> = claims) =>
      new SignJWT(body)
        .setProtectedHeader({ alg })
        .setSubject('alice')
        .setIssuer('campus-chat')
        .setAudience('campus-chat')
        .setIssuedAt()
        .setExpirationTime(exp)
        .sign(key);

    expect(await service.verify(none)).toBeUndefined();
    expect(
      await service.verify(await sign(new TextEncoder().encode('o'.repeat(40)))),
    ).toBeUndefined();
    expect(await service.verify(await sign(secret, 'HS512'))).toBeUndefined();
    expect(
      await service.verify(await sign(secret, 'HS256', { name: 'A', role: 'superuser' })),
    ).toBeUndefined();
    expect(await service.verify('garbage')).toBeUndefined();
    expect(await service.verify(await sign(secret))).toEqual({
      userId: 'alice',
      name: 'Alice',
      role: 'admin',
    });
  });

  it('will not work with a short secret', () => {
    expect(() => createTokenService({ secret: new Uint8Array(16), ttlSeconds: 60 })).toThrow(
      /32 bytes/,
    );
  });
});
