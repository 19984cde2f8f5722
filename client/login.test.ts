/** Reading POST /login replies: the session, the server's error code, or HTTP_<status>. */
import { describe, expect, it } from 'vitest';
import { LoginError, sessionFromLogin, usableSession } from './login';

function failureOf(status: number, body: unknown): LoginError {
  try {
    sessionFromLogin(status, body);
  } catch (error) {
    if (error instanceof LoginError) return error;
    throw error;
  }
  throw new Error('expected a LoginError');
}

describe('sessionFromLogin', () => {
  it('turns a 200 reply into a session with the expiry in epoch milliseconds', () => {
    // Prepare
    const reply = {
      token: 'header.payload.signature',
      user: { id: 'ada', name: 'Ada', role: 'student' },
      expiresAt: '2026-11-21T18:00:00.000Z',
    };

    // Act
    const session = sessionFromLogin(200, reply);

    // Assess
    expect(session).toEqual({
      token: 'header.payload.signature',
      expiresAt: Date.UTC(2026, 10, 21, 18),
      user: { id: 'ada', name: 'Ada', role: 'student' },
    });
  });

  it("raises the server's error code and message", () => {
    const failure = failureOf(403, {
      error: { code: 'FORBIDDEN', message: 'this account is blocked' },
    });

    expect(failure.code).toBe('FORBIDDEN');
    expect(failure.message).toBe('this account is blocked');
  });

  it('raises HTTP_<status> for a reply that is not the protocol', () => {
    expect(failureOf(502, undefined).code).toBe('HTTP_502');
    expect(failureOf(200, { token: 'x' }).code).toBe('HTTP_200');
    expect(
      failureOf(200, { token: 'x', user: { id: 'a', name: 'A', role: 'root' }, expiresAt: '' })
        .code,
    ).toBe('HTTP_200');
  });
});

describe('usableSession', () => {
  it('returns a stored session until it expires, and nothing for anything malformed', () => {
    // Prepare
    const now = Date.UTC(2026, 10, 21, 12);
    const session = {
      token: 't',
      expiresAt: now + 60_000,
      user: { id: 'ada', name: 'Ada', role: 'student' },
    };
    const raw = JSON.stringify(session);

    // Act / Assess
    expect(usableSession(raw, now)).toEqual(session);
    expect(usableSession(raw, now + 60_000)).toBeUndefined();
    expect(usableSession(undefined, now)).toBeUndefined();
    expect(usableSession('{not json', now)).toBeUndefined();
    expect(usableSession('null', now)).toBeUndefined();
    expect(usableSession(JSON.stringify({ ...session, token: 1 }), now)).toBeUndefined();
    expect(usableSession(JSON.stringify({ ...session, user: undefined }), now)).toBeUndefined();
  });
});
