/**
 * Frame ids. A `sendmessage` id is the message's idempotency key for life (it is persisted with the
 * outbox entry), so it must be unique across app restarts: time plus randomness, not a counter.
 */
function randomChars(random: () => number, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) out += Math.floor(random() * 36).toString(36);
  return out;
}

/** A new client message id (also the `sendmessage` frame id), at most 64 characters. */
export function newClientId(now: number, random: () => number): string {
  return `c-${now.toString(36)}-${randomChars(random, 10)}`;
}

/** A new id for a request frame. */
export function newRequestId(now: number, random: () => number): string {
  return `r-${now.toString(36)}-${randomChars(random, 6)}`;
}
