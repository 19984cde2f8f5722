/**
 * `npm run bench:load`: N simulated users in a campus-day mix on the real local stack (its own
 * process, behind the DynamoDB proxy), spread over client processes. Two measured phases of equal
 * length: the mix alone (baseline), then the mix while one client floods. Reports connections
 * held, messages and deliveries per second, delivery latency, errors, the gateway's memory per
 * connection, the flood bound (how much the flood moved everyone else's latency), and the
 * invariant at the end.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readConfig } from '../../functions/config';
import { resolveTableNames } from '../../functions/tables';
import { checkInvariants, type InvariantReport, readStore } from '../../test/support/invariants';
import { mapConcurrently } from '../clients/concurrency';
import { closeSocket, connectWithToken, login, request } from '../clients/ours-protocol';
import { BenchChild } from '../ipc';
import { type MachineInfo, machineInfo } from '../machine';
import { LatencyRecorder, type LatencySummary } from '../metrics/histogram';
import { StackHandle } from '../stack/stack-handle';
import { type FloodResult, flood } from './flooder';
import { campusMix, type LoadUser } from './load-mix';
import type { LoadOptions, LoadSizes } from './load-options';
import type { PhaseStats, PoolCounters } from './load-pool';

export interface PhaseResult {
  readonly name: 'baseline' | 'flood';
  readonly seconds: number;
  /** Messages the simulated users sent, and pushes they received, per second. */
  readonly messagesPerSecond: number;
  readonly deliveriesPerSecond: number;
  readonly latency: LatencySummary;
  /** Fewest connections the gateway held at the samples taken during the phase. */
  readonly connectionsHeldMin: number;
  /** DynamoDB requests per second during the phase, by operation (failed ones in brackets). */
  readonly dynamodb: Readonly<Record<string, { perSecond: number; errors: number }>>;
}

export interface LoadReport {
  readonly command: string;
  readonly sizes: LoadSizes;
  readonly machine: MachineInfo;
  readonly mix: Readonly<Record<string, number>>;
  readonly connect: { readonly users: number; readonly seconds: number };
  readonly connectionsHeld: number;
  readonly memory: {
    readonly rssBeforeMiB: number;
    readonly rssAfterMiB: number;
    readonly rssPerConnectionKiB: number;
    readonly heapPerConnectionKiB: number;
  };
  readonly phases: readonly PhaseResult[];
  readonly flood: Omit<FloodResult, 'attempted' | 'acked'> & {
    /** p99 (and p50) delivery latency of everyone else: flood phase minus baseline, ms. */
    readonly p99IncreaseMs: number;
    readonly p50IncreaseMs: number;
  };
  readonly errors: {
    readonly client: Readonly<Record<string, number>>;
    readonly stack: Readonly<Record<string, number>>;
    readonly reconnects: number;
  };
  readonly pingsSent: number;
  readonly invariant: InvariantReport;
  readonly durationSeconds: number;
}

function mib(bytes: number): number {
  return Math.round((bytes / 2 ** 20) * 10) / 10;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Creates the rooms (as a desk admin) and makes their members join, a few at a time. */
async function setUpRooms(
  stack: StackHandle,
  users: readonly LoadUser[],
  rooms: number,
): Promise<string[]> {
  const admin = users.find((u) => u.role === 'admin') as LoadUser;
  const adminSocket = await connectWithToken(
    stack.info.websocket,
    await login(stack.info.login, admin.name),
  );
  const ids: string[] = [];
  for (let i = 0; i < rooms; i++) {
    const created = await request(adminSocket, {
      action: 'createroom',
      title: `Busy room ${i + 1}`,
    });
    ids.push(String((created.conversation as { id: string }).id));
  }
  await closeSocket(adminSocket);
  const members = users.filter((u) => u.room !== undefined);
  await mapConcurrently(members.length, 6, async (i) => {
    const member = members[i] as LoadUser;
    const ws = await connectWithToken(
      stack.info.websocket,
      await login(stack.info.login, member.name),
    );
    await request(ws, { action: 'join', conversationId: ids[member.room as number] });
    await closeSocket(ws);
  });
  return ids;
}

export async function runLoad(
  options: LoadOptions & { dynamodbEndpoint: string; log: (line: string) => void },
): Promise<LoadReport> {
  const { sizes } = options;
  const started = Date.now();
  const log = (line: string) =>
    options.log(`${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s  ${line}`);
  const machine = await machineInfo();
  const prefix = `load${started.toString(36)}-`;
  const users = campusMix(sizes, 'u');
  const admins = users.filter((u) => u.role === 'admin').map((u) => u.name);
  const tables = resolveTableNames({ TABLE_PREFIX: prefix });
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: options.dynamodbEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  log(`${sizes.users} users: starting the stack`);
  const stack = await StackHandle.start({
    system: 'ours',
    dynamodbEndpoint: options.dynamodbEndpoint,
    tablePrefix: prefix,
    admins: admins.join(','),
    env: {},
  });
  await stack.setRecording(false);
  const pools = await Promise.all(
    Array.from({ length: sizes.pools }, () =>
      BenchChild.start(new URL('./load-pool.ts', import.meta.url)),
    ),
  );
  try {
    const rooms = await setUpRooms(stack, users, sizes.rooms);
    const before = await stack.memory();
    log(`connecting ${users.length} users over ${pools.length} client processes`);
    const connectStarted = Date.now();
    await Promise.all(
      pools.map((pool, p) =>
        pool.call('connect', {
          websocket: stack.info.websocket,
          login: stack.info.login,
          users: users.filter((_, i) => i % pools.length === p),
          rooms,
          heartbeatMs: sizes.heartbeatMs,
          seed: started % 100_000,
        }),
      ),
    );
    const connectSeconds = (Date.now() - connectStarted) / 1000;
    const connectionsHeld = await stack.connections();
    const after = await stack.memory();
    log(`${connectionsHeld} connections held after ${connectSeconds.toFixed(1)} s`);

    const phases: PhaseResult[] = [];
    let floodResult: FloodResult | undefined;
    for (const name of ['baseline', 'flood'] as const) {
      log(`phase ${name}: ${sizes.phaseSeconds} s`);
      await stack.reset();
      await Promise.all(
        pools.map((pool) =>
          pool.call('startTraffic', {
            phase: name,
            chatEveryMs: sizes.chatEveryMs,
            roomEveryMs: sizes.roomEveryMs,
            adminEveryMs: sizes.adminEveryMs,
          }),
        ),
      );
      const flooding =
        name === 'flood'
          ? flood({
              websocket: stack.info.websocket,
              login: stack.info.login,
              name: 'uflooder',
              rate: sizes.floodRate,
              seconds: sizes.phaseSeconds,
            })
          : undefined;
      const held: number[] = [];
      const phaseEnd = Date.now() + sizes.phaseSeconds * 1000;
      while (Date.now() < phaseEnd) {
        await sleep(Math.min(5000, phaseEnd - Date.now()));
        held.push(await stack.connections());
      }
      await Promise.all(pools.map((pool) => pool.call('stopTraffic')));
      const { totals } = await stack.metrics();
      if (flooding) floodResult = await flooding;
      // Deliveries of the phase's last messages.
      await sleep(3000);
      const stats = await Promise.all(
        pools.map((pool) => pool.call<PhaseStats>('phaseStats', name)),
      );
      const recorder = new LatencyRecorder();
      for (const s of stats) for (const latency of s.latencies) recorder.record(latency);
      const sent = stats.reduce((sum, s) => sum + s.sent, 0);
      phases.push({
        name,
        seconds: sizes.phaseSeconds,
        messagesPerSecond: sent / sizes.phaseSeconds,
        deliveriesPerSecond: recorder.count / sizes.phaseSeconds,
        latency: recorder.summary(),
        connectionsHeldMin: Math.min(...held),
        dynamodb: Object.fromEntries(
          Object.entries(totals).map(([operation, t]) => [
            operation,
            { perSecond: Math.round((t.count / sizes.phaseSeconds) * 10) / 10, errors: t.errors },
          ]),
        ),
      });
      log(`phase ${name}: ${JSON.stringify(phases.at(-1)?.latency)}`);
    }

    // Counted before the final resync, whose reconnects are on purpose.
    const counters = await Promise.all(pools.map((pool) => pool.call<PoolCounters>('counters')));
    // The end: every outbox drains, every client resyncs, then everyone leaves.
    log('final resync and invariant');
    const drainBy = Date.now() + 60_000;
    while (Date.now() < drainBy) {
      const drained = await Promise.all(pools.map((pool) => pool.call<boolean>('drained')));
      if (drained.every(Boolean)) break;
      await sleep(500);
    }
    const stored = await readStore(db, tables);
    const lastSeqs = Object.fromEntries(
      [...stored.conversations].map(([id, c]) => [id, c.lastSeq]),
    );
    const finals = await Promise.all(
      pools.map((pool) =>
        pool.call<{
          views: Parameters<typeof checkInvariants>[1];
          typed: Parameters<typeof checkInvariants>[2]['typed'];
          acked: Parameters<typeof checkInvariants>[2]['acked'];
        }>('finalViews', { lastSeqs, deadlineMs: 120_000 }),
      ),
    );
    await Promise.all(pools.map((pool) => pool.call('stopAll')));
    const closeBy = Date.now() + 60_000;
    while ((await stack.connections()) > 0 && Date.now() < closeBy) await sleep(200);
    await stack.settle();
    const flooded = floodResult as FloodResult;
    const invariant = checkInvariants(
      await readStore(db, tables),
      finals.flatMap((f) => f.views),
      {
        typed: finals.flatMap((f) => f.typed),
        attempted: flooded.attempted,
        acked: [...finals.flatMap((f) => f.acked), ...flooded.acked],
        killedConnections: new Set(),
        connectionTtlSeconds: readConfig({}).chat.connectionTtlSeconds,
        allClosed: true,
      },
    );
    const clientErrors: Record<string, number> = {};
    for (const c of counters) {
      for (const [key, n] of Object.entries(c.errors))
        clientErrors[key] = (clientErrors[key] ?? 0) + n;
    }
    const [baseline, flooding] = phases as [PhaseResult, PhaseResult];
    const { attempted: _attempted, acked: _acked, ...floodSummary } = flooded;
    const mix: Record<string, number> = {};
    for (const user of users) mix[user.behaviour] = (mix[user.behaviour] ?? 0) + 1;
    return {
      command: options.command,
      sizes,
      machine,
      mix,
      connect: { users: users.length, seconds: connectSeconds },
      connectionsHeld,
      memory: {
        rssBeforeMiB: mib(before.rss),
        rssAfterMiB: mib(after.rss),
        rssPerConnectionKiB: Math.round(((after.rss - before.rss) / users.length / 1024) * 10) / 10,
        heapPerConnectionKiB:
          Math.round(((after.heapUsed - before.heapUsed) / users.length / 1024) * 10) / 10,
      },
      phases,
      flood: {
        ...floodSummary,
        p99IncreaseMs: Math.round((flooding.latency.p99 - baseline.latency.p99) * 10) / 10,
        p50IncreaseMs: Math.round((flooding.latency.p50 - baseline.latency.p50) * 10) / 10,
      },
      errors: {
        client: clientErrors,
        stack: await stack.failures(),
        reconnects: counters.reduce((sum, c) => sum + c.reconnects, 0),
      },
      pingsSent: counters.reduce((sum, c) => sum + c.pingsSent, 0),
      invariant,
      durationSeconds: (Date.now() - started) / 1000,
    };
  } finally {
    await Promise.allSettled(pools.map((pool) => pool.stop()));
    await stack.stop();
    db.destroy();
  }
}
