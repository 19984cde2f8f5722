/**
 * A raw protocol client for the tests: a real WebSocket to the gateway that records every frame,
 * with helpers to wait for frames and to send a request and await its answer by `id`.
 */
import WebSocket from 'ws';
import type { LocalStack } from '../../local/local-stack';

export type Frame = Record<string, unknown> & { type?: string; id?: string };

let counter = 0;

/** A unique frame id. */
export function nextId(prefix = 'f'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export class ChatTestClient {
  readonly frames: Frame[] = [];
  closed?: { code: number; reason: string };
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private closeWaiters: ((c: { code: number; reason: string }) => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? (data as Buffer).toString('base64') : data.toString();
      let frame: Frame;
      try {
        frame = JSON.parse(text) as Frame;
      } catch {
        frame = { type: '__unparsed', text };
      }
      this.frames.push(frame);
      for (const waiter of [...this.waiters]) {
        if (waiter.match(frame)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(frame);
        }
      }
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const resolve of this.closeWaiters) resolve(this.closed);
    });
  }

  /** Opens a connection; rejects with the HTTP status when the handshake is refused. */
  static connect(url: string): Promise<ChatTestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.once('open', () => resolve(new ChatTestClient(ws)));
      ws.once('unexpected-response', (_request, response) => {
        reject(new HandshakeRefused(response.statusCode ?? 0));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The first frame (already received or still to come) that matches. */
  next(match: (f: Frame) => boolean, timeoutMs = 10_000, description = 'frame'): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return this.waitNew(match, timeoutMs, description);
  }

  /** The next frame to arrive from now on that matches. */
  waitNew(match: (f: Frame) => boolean, timeoutMs = 10_000, description = 'frame'): Promise<Frame> {
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (f: Frame) => {
          clearTimeout(timer);
          resolve(f);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `timed out waiting for ${description}; got ${JSON.stringify(this.frames.slice(-5))}`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Sends a frame with a fresh `id` and resolves with the reply that echoes it. */
  async request(frame: Record<string, unknown>, timeoutMs = 10_000): Promise<Frame> {
    const id = (frame.id as string | undefined) ?? nextId(String(frame.action));
    const reply = this.waitNew((f) => f.id === id, timeoutMs, `reply to ${id}`);
    this.send({ ...frame, id });
    return reply;
  }

  /**
   * Sends `frame` (give it an `id`: a resend must carry the same one) and, as the client core's
   * outbox does, sends it again after each `BUSY` once its `retryAfterMs` has passed (at most
   * `tries` times); resolves with the first other answer, or the last BUSY.
   */
  async requestHonouringBusy(
    frame: Record<string, unknown>,
    tries = 20,
    first?: Frame,
  ): Promise<Frame> {
    const sent = { ...frame, id: (frame.id as string | undefined) ?? nextId(String(frame.action)) };
    let answer = first ?? (await this.request(sent));
    for (let i = 0; answer.type === 'error' && answer.code === 'BUSY' && i < tries; i++) {
      await new Promise((resolve) => setTimeout(resolve, Number(answer.retryAfterMs)));
      answer = await this.request(sent);
    }
    return answer;
  }

  /** `message` frames received for a conversation, in arrival order. */
  messages(conversationId: string): Frame[] {
    return this.frames.filter(
      (f) => f.type === 'message' && (f.message as Frame).conversationId === conversationId,
    );
  }

  /** Resolves when the connection has closed. */
  waitClosed(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for close')), timeoutMs);
      this.closeWaiters.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.ws.close(1000);
    await this.waitClosed();
  }
}

export class HandshakeRefused extends Error {
  constructor(readonly status: number) {
    super(`handshake refused with ${status}`);
  }
}

/** Logs in through POST /login and returns the response body. */
export async function login(
  stack: LocalStack,
  name: string,
  displayName?: string,
): Promise<{ token: string; user: { id: string; name: string; role: string }; expiresAt: string }> {
  const response = await fetch(stack.urls.login, {
    method: 'POST',
    body: JSON.stringify({ code: `dev-${name}`, ...(displayName ? { name: displayName } : {}) }),
  });
  if (response.status !== 200)
    throw new Error(`login ${name}: ${response.status} ${await response.text()}`);
  return (await response.json()) as never;
}

/** Logs in and connects; the client is ready to chat. */
export async function connectAs(stack: LocalStack, name: string): Promise<ChatTestClient> {
  const { token } = await login(stack, name);
  return ChatTestClient.connect(`${stack.urls.websocket}?token=${encodeURIComponent(token)}`);
}
