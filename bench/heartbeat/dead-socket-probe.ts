/**
 * How fast our heartbeat policy notices a dead socket when the app comes back to the foreground
 * or the network returns: a reference implementation of the policy's probe (send `ping`, expect
 * any frame within the pong timeout) run against the real local stack through a TCP relay that
 * can turn into a black hole — packets silently lost, no FIN, no RST, as when a phone's NAT
 * mapping expired while the app slept.
 */

import type { AddressInfo } from 'node:net';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type WebSocket from 'ws';
import { closeSocket, connectWithToken, login } from '../clients/ours-protocol';
import type { StackInfo } from '../stack/stack-process';
import type { HeartbeatPolicy } from './heartbeat-policy';

export interface DetectionResult {
  /** Probe on a live socket: ping → pong, ms. */
  readonly liveProbeMs: number;
  /** Probe on a black-holed socket: app shown → socket declared dead, ms. */
  readonly deadDetectedMs: number;
}

class BlackHoleRelay {
  private constructor(
    private readonly server: Server,
    private readonly pairs: [Socket, Socket][],
  ) {}

  static async start(target: { host: string; port: number }): Promise<BlackHoleRelay> {
    const pairs: [Socket, Socket][] = [];
    const server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      client.pipe(upstream);
      upstream.pipe(client);
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
      pairs.push([client, upstream]);
    });
    const relay = new BlackHoleRelay(server, pairs);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return relay;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** From now on every byte either way is dropped; neither side is told. */
  blackHole(): void {
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.resume();
      upstream.resume();
    }
  }

  async stop(): Promise<void> {
    for (const [client, upstream] of this.pairs) {
      client.destroy();
      upstream.destroy();
    }
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The policy's probe: resolves with the time to the first frame, or rejects at the timeout. */
function probe(ws: WebSocket, timeoutMs: number): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const onMessage = () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
    };
    const timer = setTimeout(() => {
      ws.off('message', onMessage);
      reject(new DeadSocket(performance.now() - started));
    }, timeoutMs);
    ws.once('message', onMessage);
    ws.send('{"action":"ping"}');
  });
}

class DeadSocket extends Error {
  constructor(readonly afterMs: number) {
    super(`no pong within ${afterMs} ms`);
  }
}

/** Runs the probe on a live and on a black-holed connection of user `name`. */
export async function measureDetection(
  stack: StackInfo,
  name: string,
  policy: HeartbeatPolicy,
): Promise<DetectionResult> {
  const target = new URL(stack.websocket);
  const relay = await BlackHoleRelay.start({ host: target.hostname, port: Number(target.port) });
  const token = await login(stack.login, name);
  const ws = await connectWithToken(`ws://127.0.0.1:${relay.port}${target.pathname}`, token);
  try {
    const liveProbeMs = await probe(ws, policy.pongTimeoutMs);
    relay.blackHole();
    let deadDetectedMs = Number.POSITIVE_INFINITY;
    try {
      await probe(ws, policy.pongTimeoutMs);
    } catch (error) {
      if (!(error instanceof DeadSocket)) throw error;
      deadDetectedMs = error.afterMs;
      // The policy then drops the socket and reconnects.
      ws.terminate();
    }
    return { liveProbeMs, deadDetectedMs };
  } finally {
    await closeSocket(ws).catch(() => undefined);
    await relay.stop();
  }
}
