/**
 * The bodies of `POST /login` (protocol v1, docs/protocol.md §1), declared once: the server builds
 * them, the clients parse them.
 */
import * as v from 'valibot';
import { CONTENT_LABELS } from './content-labels';
import { Role } from './server-frames';

/** 200: the session token, who it is for and when it stops being accepted. */
export const LoginReply = v.object({
  token: v.string(),
  user: v.object({ id: v.string(), name: v.string(), role: Role }),
  /** ISO 8601, UTC. */
  expiresAt: v.string(),
});
export type LoginReply = v.InferOutput<typeof LoginReply>;

/**
 * 4xx/5xx: a stable code (`INVALID_CODE`, `BAD_REQUEST`, `FORBIDDEN`, `RATE_LIMITED`,
 * `CONTENT_REJECTED` with its `label`, `UNAVAILABLE`, …).
 */
export const LoginFailure = v.object({
  error: v.object({
    code: v.string(),
    message: v.string(),
    label: v.optional(v.picklist(CONTENT_LABELS)),
  }),
});
export type LoginFailure = v.InferOutput<typeof LoginFailure>;
