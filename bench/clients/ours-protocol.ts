/**
 * The bits of campus-chat protocol v1 (docs/protocol.md) the bench clients need: log in, open a
 * WebSocket, send a request and wait for the reply that echoes its id.
 */
import WebSocket from 'ws';

export type Frame = Record<string, unknown> & { type?: string; id?: string };

/** POST /login with the local stand-in's code `dev-<name>`; returns the token. */
export async function login(loginUrl: string, name: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(loginUrl, {
      method: 'POST',
      body: JSON.stringify({ code: `dev-${name}` }),
    });
    if (response.status === 200) return ((await response.json()) as { token: string }).token;
    if (attempt >= 3) throw new Error(`login ${name}: ${response.status} ${await response.text()}`);
  }
}

/** A refused handshake; `status` is what the gateway answered (429: throttled). */
export class HandshakeRefused extends Error {
  constructor(readonly status: number | undefined) {
    super(`handshake refused with ${status}`);
  }
}

/** Opens a WebSocket; rejects when the handshake fails. */
export function openSocket(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once('open', () => {
      ws.off('error', reject);
      ws.on('error', () => undefined);
      resolve(ws);
    });
    ws.once('unexpected-response', (_request, response) => {
      ws.terminate();
      reject(new HandshakeRefused(response.statusCode));
    });
    ws.once('error', reject);
  });
}

/** Connects as an authenticated user. */
export function connectWithToken(websocketUrl: string, token: string): Promise<WebSocket> {
  return openSocket(`${websocketUrl}?token=${encodeURIComponent(token)}`);
}

/** Tries of one handshake before a 429 is final (about 19 to 57 s of backoff in all). */
export const MAX_THROTTLED_TRIES = 12;

/** The backoff's ceiling between two tries. */
export const MAX_BACKOFF_MS = 6400;

/** Handshakes refused with 429 and tried again, by this process, since it started. */
export let throttledHandshakes = 0;

/**
 * Opens a WebSocket as the apps reconnect: a handshake refused with 429 (API Gateway's
 * new-connection quota, 500 per second per account, which thousands of bench clients connecting
 * at once can exceed) is tried again after an exponential, jittered backoff (its ceiling capped at
 * MAX_BACKOFF_MS); other refusals and the 429 after MAX_THROTTLED_TRIES reject. Thousands of
 * sockets queueing for a 500-per-second quota can each be refused many times in a row: six tries
 * (about 1.5 to 4.6 s of waiting) once failed a full run's 5000-connection step.
 */
export async function openSocketWithBackoff(url: string): Promise<WebSocket> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await openSocket(url);
    } catch (cause) {
      if (!(cause instanceof HandshakeRefused) || cause.status !== 429) throw cause;
      if (attempt + 1 >= MAX_THROTTLED_TRIES) throw cause;
      throttledHandshakes += 1;
      const ceiling = Math.min(100 * 2 ** attempt, MAX_BACKOFF_MS);
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * ceiling));
    }
  }
}

let counter = 0;

/** A unique frame id. */
export function frameId(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

/** Sends `frame` with a fresh id and resolves with the reply echoing it (error frames reject). */
export function request(
  ws: WebSocket,
  frame: Record<string, unknown>,
  timeoutMs = 30_000,
): Promise<Frame> {
  const id = frameId(String(frame.action));
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      const reply = JSON.parse(data.toString()) as Frame;
      if (reply.id !== id) return;
      ws.off('message', onMessage);
      clearTimeout(timer);
      if (reply.type === 'error')
        reject(new Error(`${frame.action}: ${reply.code} ${reply.message}`));
      else resolve(reply);
    };
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new Error(`${frame.action} timed out`));
    }, timeoutMs);
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ ...frame, id }));
  });
}

/** Closes a socket and waits until it is closed. */
export function closeSocket(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
  return new Promise((resolve) => {
    ws.once('close', () => resolve());
    ws.close(1000);
  });
}
