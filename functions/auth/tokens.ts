/**
 * Session tokens: HS256 JWTs signed with a secret from configuration. `verify` accepts only HS256
 * with our issuer and audience, so `alg: none`, another algorithm or another key is refused.
 */
import { jwtVerify, SignJWT } from 'jose';
import * as v from 'valibot';
import type { Identity } from '../domain/identity';
import { Role } from '../../protocol/server-frames';

const ISSUER = 'campus-chat';
const AUDIENCE = 'campus-chat';
/** Tolerated clock difference between the machine that issued a token and the one checking it. */
const CLOCK_TOLERANCE_SECONDS = 5;

const Claims = v.object({
  sub: v.pipe(v.string(), v.minLength(1)),
  name: v.string(),
  role: Role,
  /** A console session opened by scanning (functions/domain/web-login.ts); absent on phones. */
  sid: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64))),
});

/** What a valid token says: who, and for a console token, which web session it belongs to. */
export interface VerifiedIdentity extends Identity {
  readonly sessionId?: string;
}

export interface IssueOptions {
  /** Shorter than the service's lifetime, e.g. for a console (at most the service's). */
  readonly ttlSeconds?: number;
  /** The web session a console token belongs to; $connect checks that it still exists. */
  readonly sessionId?: string;
}

export interface IssuedToken {
  readonly token: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

export interface TokenService {
  issue(identity: Identity, options?: IssueOptions): Promise<IssuedToken>;
  /** The identity the token was issued to, or undefined for any token that is not valid now. */
  verify(token: string): Promise<VerifiedIdentity | undefined>;
}

/**
 * A token service over a shared secret (at least 32 bytes).
 */
export function createTokenService(options: {
  secret: Uint8Array;
  ttlSeconds: number;
  now?: () => number;
}): TokenService {
  if (options.secret.byteLength < 32)
    throw new Error('the token signing secret must be at least 32 bytes');
  const now = options.now ?? Date.now;
  const { secret, ttlSeconds } = options;
  return {
    async issue(identity, issue = {}) {
      const issuedAt = Math.floor(now() / 1000);
      const expiresAtSeconds = issuedAt + Math.min(issue.ttlSeconds ?? ttlSeconds, ttlSeconds);
      const token = await new SignJWT({
        name: identity.name,
        role: identity.role,
        ...(issue.sessionId !== undefined ? { sid: issue.sessionId } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(identity.userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt(issuedAt)
        .setNotBefore(issuedAt)
        .setExpirationTime(expiresAtSeconds)
        .sign(secret);
      return { token, expiresAt: expiresAtSeconds * 1000 };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, secret, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(now()),
          requiredClaims: ['exp', 'iat', 'sub'],
          // A token older than today's lifetime is refused whatever its `exp` says: lowering
          // TOKEN_TTL_SECONDS also ends the tokens issued with the longer one.
          maxTokenAge: ttlSeconds,
        });
        const claims = v.safeParse(Claims, payload);
        if (!claims.success) return undefined;
        const { sub, name, role, sid } = claims.output;
        return { userId: sub, name, role, ...(sid !== undefined ? { sessionId: sid } : {}) };
      } catch {
        return undefined;
      }
    },
  };
}
