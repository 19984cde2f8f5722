/**
 * The connection lifecycle of the core against a scriptable fake transport and a fake clock:
 * one socket at a time under any event ordering, backoff bounds, heartbeat and probes, offline and
 * background, token refresh, planned reconnect.
 */
import { describe, expect, it } from 'vitest';
import { backoffCeiling, fullJitterDelay } from './backoff';
import { DEFAULT_POLICY } from './policy';
import { seededRandom } from './testing/fake-clock';
import { harness } from './testing/harness';

const MINUTE = 60_000;

describe('backoff with full jitter', () => {
  it('stays within [0, min(cap, base * 2^attempt)) and reaches the cap', () => {
    // Prepare
    const random = seededRandom(42);
    const { backoffBaseMs: base, backoffCapMs: cap } = DEFAULT_POLICY;

    // Act
    const delays = Array.from({ length: 12 }, (_, attempt) =>
      Array.from({ length: 200 }, () => fullJitterDelay(attempt, base, cap, random)),
    );

    // Assess
    delays.forEach((samples, attempt) => {
      const ceiling = backoffCeiling(attempt, base, cap);
      expect(ceiling).toBe(Math.min(cap, base * 2 ** attempt));
      for (const d of samples) {
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(ceiling);
      }
      // Full jitter uses the whole range, not just the top of it.
      expect(Math.min(...samples)).toBeLessThan(ceiling * 0.1);
      expect(Math.max(...samples)).toBeGreaterThan(ceiling * 0.9);
    });
    expect(backoffCeiling(20, base, cap)).toBe(cap);
  });
});

describe('connecting', () => {
  it('connects with the token in the URL and reports connecting, then online', async () => {
    // Prepare
    const h = harness();

    // Act
    await h.client.start();
    await h.clock.advance(0);

    // Assess
    expect(h.transport.sockets).toHaveLength(1);
    expect(h.transport.last.url).toBe('ws://gateway.test/local?token=token-1');
    expect(h.states.map((s) => s.status)).toEqual(['connecting', 'online']);
    expect(h.client.user).toEqual({ id: 'alice', name: 'Alice', role: 'student' });
  });

  it('reconnects after a close with a delay inside the backoff bounds, growing per failure', async () => {
    // Prepare
    const h = harness({ autoOpen: false });
    await h.client.start();
    await h.clock.advance(0);

    // Act: every handshake fails.
    for (let i = 0; i < 6; i++) {
      h.transport.last.end(1006, 'handshake failed');
      await h.clock.advance(h.clock.nextIn() ?? 0);
    }

    // Assess
    const waits = h.states.filter((s) => s.status === 'reconnecting');
    expect(waits).toHaveLength(6);
    waits.forEach((s, i) => {
      expect(s.attempt).toBe(i + 1);
      expect(s.delayMs).toBeLessThan(backoffCeiling(i, 500, 30_000));
      expect(s.retryAt - s.delayMs).toBeGreaterThan(0);
    });
    expect(h.transport.sockets).toHaveLength(7);
    expect(h.transport.maxLive).toBe(1);
  });

  it('starts the backoff over once a connection has stayed healthy', async () => {
    // Prepare
    const h = harness({ autoOpen: false });
    await h.client.start();
    await h.clock.advance(0);
    for (let i = 0; i < 5; i++) {
      h.transport.last.end();
      await h.clock.advance(h.clock.nextIn() ?? 0);
    }
    h.transport.last.open();

    // Act
    await h.clock.advance(DEFAULT_POLICY.healthyAfterMs);
    h.transport.last.end(1001, 'Going away');
    await h.clock.advance(0);

    // Assess
    const last = h.states.at(-1);
    expect(last?.status).toBe('reconnecting');
    if (last?.status === 'reconnecting') {
      expect(last.attempt).toBe(1);
      expect(last.delayMs).toBeLessThan(500);
    }
  });

  it('abandons a handshake that does not complete within the connect timeout', async () => {
    // Prepare
    const h = harness({ autoOpen: false });
    await h.client.start();
    await h.clock.advance(0);
    const stuck = h.transport.last;

    // Act
    await h.clock.advance(DEFAULT_POLICY.connectTimeoutMs);

    // Assess
    expect(stuck.closedByClient).toBeDefined();
    expect(h.states.at(-1)?.status).toBe('reconnecting');
  });
});

describe('one socket at a time', () => {
  it('never has two live sockets whatever order open/close/error/network/app events arrive in', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      // Prepare
      const random = seededRandom(seed);
      const h = harness({ autoOpen: false, random: seededRandom(seed + 1000) });
      await h.client.start();
      await h.clock.advance(0);
      let maxLiveSeen = 0;

      // Act: 120 random events, including duplicates and events on stale sockets.
      for (let step = 0; step < 120; step++) {
        const sockets = h.transport.sockets;
        const any = sockets[Math.floor(random() * sockets.length)];
        const r = random();
        if (r < 0.2) sockets.at(-1)?.open();
        else if (r < 0.3 && any && !any.opened) any.open();
        else if (r < 0.4 && any) any.end(1006, 'lost');
        else if (r < 0.5 && any) any.error('boom');
        else if (r < 0.55) h.client.setNetworkAvailable(false);
        else if (r < 0.65) h.client.setNetworkAvailable(true);
        else if (r < 0.7) h.client.setForeground(false);
        else if (r < 0.8) h.client.setForeground(true);
        else if (r < 0.85) h.client.reconnectNow();
        else if (r < 0.9 && sockets.at(-1)?.live && sockets.at(-1)?.opened)
          sockets.at(-1)?.end(1000, 'interrupted');
        else await h.clock.advance(Math.floor(random() * 40_000));
        await h.clock.advance(0);
        maxLiveSeen = Math.max(maxLiveSeen, h.transport.live().length);
      }
      // Settle: network and app are back; the latest socket opens.
      h.client.setNetworkAvailable(true);
      h.client.setForeground(true);
      for (let round = 0; round < 10 && h.client.state.status !== 'online'; round++) {
        const latest = h.transport.sockets.at(-1);
        if (latest?.live && !latest.opened) latest.open();
        else await h.clock.advance(h.clock.nextIn() ?? 0);
        await h.clock.advance(0);
      }

      // Assess
      expect(maxLiveSeen, `seed ${seed}`).toBeLessThanOrEqual(1);
      expect(h.transport.maxLive, `seed ${seed}`).toBe(1);
      expect(h.client.state.status, `seed ${seed}`).toBe('online');
      expect(h.transport.live(), `seed ${seed}`).toEqual([h.transport.last]);
      h.client.stop();
    }
  });

  it('ignores events of a replaced socket', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    const first = h.transport.last;
    first.end(1006);
    await h.clock.advance(h.clock.nextIn() ?? 0);
    await h.clock.advance(0);
    const second = h.transport.last;

    // Act: the dead socket reports late.
    first.error('late error');
    first.end(1006, 'late close');
    first.receive({ type: 'pong' });
    await h.clock.advance(0);

    // Assess
    expect(second).not.toBe(first);
    expect(h.client.state.status).toBe('online');
    expect(h.transport.live()).toEqual([second]);
  });
});

describe('heartbeat', () => {
  it('pings only after 4 idle minutes and stays connected when the pong comes', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    const socket = h.transport.last;

    // Act
    await h.clock.advance(4 * MINUTE - 1);
    const before = socket.framesOf('ping').length;
    await h.clock.advance(1);
    const after = socket.framesOf('ping').length;
    await h.clock.advance(60 * MINUTE - 4 * MINUTE);

    // Assess
    expect(before).toBe(0);
    expect(after).toBe(1);
    // An idle foreground hour costs 15 pings (and 15 pongs): 30 billed messages, the budget.
    expect(socket.framesOf('ping')).toHaveLength(15);
    expect(socket.live).toBe(true);
    expect(h.transport.sockets).toHaveLength(1);
  });

  it('counts received frames as liveness but still pings to stay under the idle limit', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    const socket = h.transport.last;

    // Act: the server pushes a frame every minute, the client sends nothing.
    for (let i = 0; i < 9; i++) {
      await h.clock.advance(MINUTE);
      socket.receive({
        type: 'presence',
        conversationId: 'room:r1',
        userId: 'bob',
        name: 'Bob',
        event: 'joined',
      });
    }

    // Assess: frames from the client are what keep API Gateway's 10-minute idle timer alive
    // (pings at 4 and 8 minutes).
    expect(socket.framesOf('ping')).toHaveLength(2);
  });

  it('declares the socket dead when no pong arrives and reconnects', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    const socket = h.transport.last;
    h.server.intercept = (frame) => (frame.action === 'ping' ? 'drop' : undefined);

    // Act
    await h.clock.advance(4 * MINUTE + DEFAULT_POLICY.pongTimeoutMs);

    // Assess
    expect(socket.framesOf('ping')).toHaveLength(1);
    expect(socket.closedByClient).toBeDefined();
    expect(h.states.at(-1)?.status).toBe('reconnecting');
  });

  it('finds a silent drop in the foreground within one heartbeat and a pong timeout', async () => {
    // Prepare: a socket that goes silent a minute after its last ping (nothing arrives, no close).
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    const socket = h.transport.last;
    await h.clock.advance(4 * MINUTE);
    await h.clock.advance(MINUTE);
    h.server.intercept = (_frame, s) => (s === socket ? 'drop' : undefined);

    // Act
    await h.clock.advance(3 * MINUTE - 1 + DEFAULT_POLICY.pongTimeoutMs);
    const aliveJustBefore = socket.closedByClient === undefined;
    await h.clock.advance(1);

    // Assess: declared dead 3 min 10 s after the drop (the next heartbeat plus its timeout).
    expect(aliveJustBefore).toBe(true);
    expect(socket.closedByClient).toBeDefined();
  });

  it('sends no heartbeat while the app is in the background', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    const socket = h.transport.last;

    // Act: hidden for 20 minutes, the socket (in the harness) left open.
    h.client.setForeground(false);
    await h.clock.advance(20 * MINUTE);

    // Assess
    expect(socket.framesOf('ping')).toHaveLength(0);
  });

  it('probes at once when the app returns to the foreground and replaces a dead socket within 5 s', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    const socket = h.transport.last;
    h.client.setForeground(false);
    await h.clock.advance(30 * 1000);
    h.server.intercept = (frame) => (frame.action === 'ping' ? 'drop' : undefined);

    // Act
    h.client.setForeground(true);
    await h.clock.advance(0);
    const pings = socket.framesOf('ping').length;
    await h.clock.advance(DEFAULT_POLICY.probeTimeoutMs);

    // Assess
    expect(pings).toBe(1);
    expect(socket.closedByClient).toBeDefined();
    await h.clock.advance(h.clock.nextIn() ?? 0);
    expect(h.transport.sockets).toHaveLength(2);
  });

  it('probes when the network comes back and keeps a socket that answers', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    const socket = h.transport.last;

    // Act: a network type change is reported as connected.
    h.client.setNetworkAvailable(true);
    await h.clock.advance(DEFAULT_POLICY.probeTimeoutMs + 1000);

    // Assess
    expect(socket.framesOf('ping')).toHaveLength(1);
    expect(socket.live).toBe(true);
    expect(h.client.state.status).toBe('online');
  });
});

describe('silent sockets', () => {
  it('probes when an ack is overdue and replaces a socket that stopped answering', async () => {
    // Prepare: the socket goes silent (no close event ever arrives).
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    await h.client.open('support:alice');
    const silent = h.transport.last;
    h.server.intercept = (_frame, socket) => (socket === silent ? 'drop' : undefined);
    const entry = h.client.send('support:alice', 'hello?');
    await h.clock.advance(0);

    // Act
    await h.clock.advance(DEFAULT_POLICY.sendAckTimeoutMs);
    const probed = silent.framesOf('ping').length;
    await h.clock.advance(DEFAULT_POLICY.probeTimeoutMs);
    await h.clock.advance(h.clock.nextIn() ?? 0);
    await h.clock.advance(2000);

    // Assess: replaced within the probe timeout, long before the 4-minute heartbeat.
    expect(probed).toBe(1);
    expect(silent.closedByClient).toBeDefined();
    expect(h.transport.sockets).toHaveLength(2);
    expect(h.client.view('support:alice').messages.map((m) => m.clientId)).toEqual([
      entry.clientId,
    ]);
  });
});

describe('offline and background', () => {
  it('makes no attempt while the network is down and connects at once when it returns', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);

    // Act
    h.client.setNetworkAvailable(false);
    await h.clock.advance(10 * MINUTE);
    const whileOffline = h.transport.sockets.length;
    h.client.setNetworkAvailable(true);
    await h.clock.advance(0);

    // Assess
    expect(whileOffline).toBe(1);
    expect(h.transport.sockets[0]?.closedByClient).toBeDefined();
    expect(h.states.map((s) => s.status)).toContain('offline');
    expect(h.transport.sockets).toHaveLength(2);
    expect(h.client.state.status).toBe('online');
  });

  it('waits for the foreground when WeChat kills the socket in the background', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    h.client.setForeground(false);

    // Act: WeChat closes the socket ~5 s after hiding.
    await h.clock.advance(5000);
    h.transport.last.end(1000, 'interrupted');
    await h.clock.advance(30 * MINUTE);
    const whileHidden = h.transport.sockets.length;
    const hiddenState = h.client.state;
    h.client.setForeground(true);
    await h.clock.advance(0);

    // Assess
    expect(whileHidden).toBe(1);
    expect(hiddenState).toEqual({ status: 'offline', reason: 'background' });
    expect(h.transport.sockets).toHaveLength(2);
    expect(h.client.state.status).toBe('online');
  });
});

describe('tokens', () => {
  it('gives up on a login that never answers and tries again', async () => {
    // Prepare
    const h = harness({ hangingLogins: [1] });

    // Act
    await h.client.start();
    await h.clock.advance(DEFAULT_POLICY.connectTimeoutMs);
    await h.clock.advance(h.clock.nextIn() ?? 0);
    await h.clock.advance(0);

    // Assess
    expect(h.logins).toHaveLength(2);
    expect(h.states.map((s) => s.status)).toEqual([
      'connecting',
      'reconnecting',
      'connecting',
      'online',
    ]);
    expect(h.transport.sockets).toHaveLength(1);
  });

  it("waits out the whole backoff after a failed login (the attempt's deadline is cleared)", async () => {
    // Prepare: a backoff longer than the connect timeout.
    const h = harness({
      failingLogins: [1],
      random: () => 0.9,
      policy: { backoffBaseMs: 20_000, backoffCapMs: 60_000 },
    });
    const errors: unknown[] = [];
    h.client.on('error', (event) => errors.push(event));

    // Act
    await h.client.start();
    await h.clock.advance(0);
    await h.clock.advance(DEFAULT_POLICY.connectTimeoutMs);
    await h.clock.advance(h.clock.nextIn() ?? 0);
    await h.clock.advance(0);

    // Assess: one wait of 18 s, not cut short or doubled by the failed attempt's timer.
    expect(h.states.map((s) => s.status)).toEqual([
      'connecting',
      'reconnecting',
      'connecting',
      'online',
    ]);
    const wait = h.states[1];
    expect(wait?.status === 'reconnecting' && wait.delayMs).toBe(18_000);
    expect(h.logins).toHaveLength(2);
    expect(errors).toEqual([{ kind: 'session', error: expect.any(Error) }]);
  });

  it('logs in again after repeated handshake failures (a refused token looks like a network error)', async () => {
    // Prepare
    const h = harness({ autoOpen: false });
    await h.client.start();
    await h.clock.advance(0);

    // Act
    for (let i = 0; i < 2; i++) {
      h.transport.last.end(1006);
      await h.clock.advance(h.clock.nextIn() ?? 0);
    }

    // Assess
    expect(h.logins).toEqual([{ fresh: false }, { fresh: true }]);
    expect(h.transport.last.url).toContain('token=token-2');
  });

  it('logs in again before connecting when the token is about to expire', async () => {
    // Prepare
    const h = harness({ tokenTtlMs: 30 * MINUTE });
    await h.client.start();
    await h.clock.advance(0);

    // Act: 25 minutes later the connection drops; the token has 5 minutes left.
    await h.clock.advance(25 * MINUTE);
    h.transport.last.end(1006);
    await h.clock.advance(h.clock.nextIn() ?? 0);

    // Assess
    expect(h.logins.at(-1)).toEqual({ fresh: true });
    expect(h.transport.last.url).toContain(`token=token-${h.logins.length}`);
  });
});

describe('planned reconnect', () => {
  it('reconnects before the 2-hour limit without showing a failure', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    const first = h.transport.last;

    // Act
    await h.clock.advance(110 * MINUTE);

    // Assess
    expect(first.closedByClient).toBeDefined();
    expect(h.transport.sockets).toHaveLength(2);
    expect(h.transport.maxLive).toBe(1);
    expect(h.client.state.status).toBe('online');
    const statuses = h.states.map((s) => s.status);
    expect(statuses).not.toContain('reconnecting');
    expect(h.states.filter((s) => s.status === 'connecting').at(-1)).toMatchObject({
      planned: true,
    });
  });

  it('waits until no request is in flight', async () => {
    // Prepare
    const h = harness();
    await h.client.start();
    await h.clock.advance(0);
    const first = h.transport.last;
    let held: (() => void) | undefined;
    h.server.intercept = (frame, socket) => {
      if (frame.action !== 'rooms') return undefined;
      held = () => socket.receive({ type: 'rooms', id: frame.id, rooms: [] });
      return 'drop';
    };
    await h.clock.advance(110 * MINUTE - 1000);
    const rooms = h.client.rooms();

    // Act
    await h.clock.advance(2000);
    const whileBusy = first.live;
    held?.();
    await h.clock.advance(0);

    // Assess
    expect(whileBusy).toBe(true);
    await expect(rooms).resolves.toEqual([]);
    expect(first.closedByClient).toBeDefined();
    expect(h.transport.sockets).toHaveLength(2);
  });
});
