/**
 * One chaos run: the real local stack (gateway emulator, the Lambda handlers, DynamoDB Local
 * behind the DynamoDB proxy) and many real ChatClients behind the network fault proxy. Set-up
 * without faults, then traffic while the seeded fault plan runs, then the faults end and the
 * system must heal: every outbox drains, every client reconnects and resyncs, every client
 * closes — and the invariant (test/support/invariants.ts) is checked from the database and from
 * every client's view.
 *
 * Runs in a process of its own (chaos-process.ts): the handlers read their configuration (tables,
 * DynamoDB endpoint) once per process, as a Lambda container does.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readConfig } from '../../functions/config';
import { startDynamoDbProxy } from '../../local/dynamodb-proxy';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/local-stack';
import { checkInvariants, type InvariantReport, readStore } from '../support/invariants';
import {
  createMember,
  type FleetMember,
  keep,
  startTraffic,
  typeMessage,
  unsent,
  viewOf,
} from './chaos-fleet';
import { type ChaosProfile, describePlan, faultPlan } from './fault-plan';
import { FaultInjector, type InjectionCounts } from './fault-injector';
import { startNetworkFaultProxy } from './network-fault-proxy';

export interface ChaosRunOptions {
  readonly profile: ChaosProfile;
  readonly seed: number;
  /** DynamoDB Local (the proxy goes in front of it). */
  readonly dynamodbEndpoint: string;
}

export interface ChaosRunReport {
  readonly seed: number;
  readonly profile: string;
  readonly clients: number;
  readonly plan: string[];
  readonly injected: InjectionCounts;
  /** Reconnects the clients made (handshakes opened beyond the first). */
  readonly reconnects: number;
  readonly invariant: InvariantReport;
  readonly seconds: { setup: number; faults: number; heal: number; total: number };
  /** Handler failures the gateway saw (a failed integration is answered to the client), by
   * route and error name. */
  readonly handlerFailures: Record<string, number>;
}

/**
 * The client policy of the chaos clients: the defaults, with waits shortened so a run heals in
 * seconds rather than minutes (the profile's backoff cap instead of 30 s, acks and replies given up
 * after 4 s instead of 15 s). Behaviour is the same; only the clock is faster.
 */
const CHAOS_POLICY = {
  sendAckTimeoutMs: 4000,
  requestTimeoutMs: 6000,
  connectTimeoutMs: 4000,
};

async function until(what: string, deadline: number, done: () => boolean): Promise<void> {
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs in batches of `size`, to keep set-up from being a storm of its own. */
async function inBatches<T>(items: readonly T[], size: number, work: (item: T) => Promise<void>) {
  for (let i = 0; i < items.length; i += size) {
    await Promise.all(items.slice(i, i + size).map(work));
  }
}

export async function runChaos(
  options: ChaosRunOptions,
  log: (line: string) => void,
): Promise<ChaosRunReport> {
  const { profile, seed } = options;
  const started = Date.now();
  const plan = faultPlan(seed, profile);
  log(`seed ${seed} (replay with CHAOS_SEED=${seed}), profile ${profile.name}`);
  for (const line of describePlan(plan)) log(`  plan: ${line}`);

  const admins = Array.from({ length: profile.admins }, (_, i) => `admin${i + 1}`);
  const students = Array.from(
    { length: profile.students },
    (_, i) => `s${String(i + 1).padStart(3, '0')}`,
  );
  const dynamo = await startDynamoDbProxy({ target: options.dynamodbEndpoint, record: false });
  const handlerFailures: Record<string, number> = {};
  const stackOptions: LocalStackOptions = {
    dynamodbEndpoint: dynamo.endpoint,
    tablePrefix: `chaos${randomBytes(3).toString('hex')}-`,
    admins: admins.join(','),
    port: 0,
    console: false,
    onError: (message, error) => {
      const key = `${message}: ${(error as Error)?.name ?? 'unknown'}`;
      handlerFailures[key] = (handlerFailures[key] ?? 0) + 1;
    },
  };
  const disconnectInvoked = new Set<string>();
  const watch = (running: LocalStack) =>
    running.gateway.on('invocation', ({ routeKey, connectionId }) => {
      if (routeKey === '$disconnect') disconnectInvoked.add(connectionId);
    });
  let stack: LocalStack = await startLocalStack(stackOptions);
  watch(stack);
  const port = stack.port;
  const network = await startNetworkFaultProxy(stack.urls.websocket);
  const retired: Promise<void>[] = [];
  const injector = new FaultInjector({
    dynamo,
    network,
    seed,
    clients: profile.students + profile.admins,
    log,
    restartGateway: async (downMs, killed) => {
      const old = stack;
      killed(await old.kill());
      // The killed gateway's handlers may still be running: let them finish in the background.
      retired.push(old.stop());
      await new Promise((resolve) => setTimeout(resolve, downMs));
      // Started again until it comes up, as a supervisor would: start-up itself talks to DynamoDB,
      // which may be failing right now.
      for (let attempt = 1; ; attempt++) {
        try {
          stack = await startLocalStack({ ...stackOptions, port });
          watch(stack);
          break;
        } catch (error) {
          log(`restart attempt ${attempt} failed: ${(error as Error).message}`);
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
      }
      injector.attach(stack.gateway);
    },
  });
  const fleetOptions = {
    websocketUrl: network.url,
    loginUrl: stack.urls.login,
    policy: { ...CHAOS_POLICY, backoffCapMs: profile.backoffCapMs },
    seed,
  };
  const members: FleetMember[] = [
    ...admins.map((name, i) => createMember(fleetOptions, i, name, 'admin')),
    ...students.map((name, i) => createMember(fleetOptions, admins.length + i, name, 'student')),
  ];
  const adminMembers = members.filter((m) => m.role === 'admin');
  const studentMembers = members.filter((m) => m.role === 'student');
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: options.dynamodbEndpoint }),
  );

  try {
    // Set-up, without faults: rooms, memberships, a first message from every student.
    await inBatches(members, 25, (m) => m.client.start());
    await until('every client is online', Date.now() + 60_000, () =>
      members.every((m) => m.client.state.status === 'online'),
    );
    const [first, ...otherAdmins] = adminMembers as [FleetMember, ...FleetMember[]];
    const rooms: string[] = [];
    for (let i = 0; i < profile.rooms; i++) {
      rooms.push((await first.client.createRoom(`Study room ${i + 1}`)).id);
    }
    for (const admin of otherAdmins) for (const room of rooms) await admin.client.join(room);
    await inBatches(studentMembers, 25, async (student) => {
      for (const room of rooms) {
        if (student.random() < 1.5 / rooms.length) await student.client.join(room);
      }
    });
    const joined = new Map<FleetMember, string[]>();
    await inBatches(studentMembers, 25, async (student) => {
      const own = `support:${student.name}`;
      const mine = (await student.client.rooms()).filter((r) => r.joined).map((r) => r.id);
      joined.set(student, [own, ...mine]);
      for (const id of [own, ...mine]) await keep(student, id);
      typeMessage(student, own, ' hello');
    });
    await until('every first message is acknowledged', Date.now() + 60_000, () =>
      studentMembers.every((m) => unsent(m).length === 0),
    );
    await inBatches(adminMembers, 1, async (admin) => {
      const support = students.slice(0, profile.adminOpenSupport).map((s) => `support:${s}`);
      for (const id of [...rooms, ...support]) await keep(admin, id);
    });
    const setupDone = Date.now();
    log(
      `set-up: ${members.length} clients online, ${rooms.length} rooms, ${(setupDone - started) / 1000} s`,
    );

    // Traffic while the faults run.
    injector.attach(stack.gateway);
    injector.schedule(plan);
    const stopTraffic = startTraffic(
      members,
      (m) => (m.role === 'admin' ? profile.adminMessageEveryMs : profile.studentMessageEveryMs),
      (m) => (m.role === 'admin' ? [...m.kept] : (joined.get(m) ?? [])),
    );
    await new Promise((resolve) => setTimeout(resolve, profile.faultPhaseMs));
    stopTraffic();
    await injector.heal();
    injector.detach(stack.gateway);
    const faultsDone = Date.now();
    log(`faults over: ${JSON.stringify(injector.counts)}`);
    log(`handler failures: ${JSON.stringify(handlerFailures)}`);

    // Heal: every outbox drains. Then every client reconnects, which resyncs what it keeps.
    const healBy = Date.now() + profile.healDeadlineMs;
    await until('every outbox is empty', healBy, () =>
      members.every((m) => unsent(m).length === 0 && m.client.state.status === 'online'),
    ).catch((error: unknown) => {
      log(String(error));
      for (const m of members) {
        const left = unsent(m);
        if (left.length === 0 && m.client.state.status === 'online') continue;
        log(
          `  ${m.name}: ${JSON.stringify(m.client.state)}, ${left.length} unsent (${[...new Set(left.map((e) => e.state))].join('/')}), last errors ${JSON.stringify(m.errors.slice(-5))}`,
        );
      }
    });
    const stored = await readStore(db, stack.tables);
    await inBatches(members, 50, async (m) => {
      m.client.stop();
      await m.client.start();
    });
    await until('every client holds what is stored', healBy, () =>
      members.every((m) =>
        [...m.kept].every((id) => {
          const held = m.client.view(id).messages;
          const lastSeq = stored.conversations.get(id)?.lastSeq ?? 0;
          // Each seq held once: as many as the last seq means no hole is left.
          return (
            m.client.state.status === 'online' &&
            held.length === lastSeq &&
            (held.at(-1)?.seq ?? 0) === lastSeq
          );
        }),
      ),
    ).catch((error: unknown) => log(String(error)));
    for (const m of members) {
      for (const id of m.kept) while (m.client.view(id).hasOlder) await m.client.loadOlder(id, 200);
    }
    const views = members.map(viewOf);
    const healed = Date.now();

    // Every client closes; the last $disconnect runs; then the tables are read.
    for (const m of members) m.client.stop();
    await until(
      'every connection is closed',
      Date.now() + 30_000,
      () => stack.gateway.connectionCount === 0,
    ).catch((error: unknown) => log(String(error)));
    await stack.stop();
    await Promise.all(retired);
    const invariant = checkInvariants(await readStore(db, stack.tables), views, {
      typed: members.flatMap((m) => m.typed),
      acked: members.flatMap((m) => m.acked),
      killedConnections: injector.killed,
      disconnectInvoked,
      connectionTtlSeconds: readConfig().chat.connectionTtlSeconds,
      allClosed: true,
    });
    const report: ChaosRunReport = {
      seed,
      profile: profile.name,
      clients: members.length,
      plan: describePlan(plan),
      injected: injector.counts,
      reconnects: members.reduce((sum, m) => sum + Math.max(0, m.opens - 1), 0),
      invariant,
      seconds: {
        setup: (setupDone - started) / 1000,
        faults: (faultsDone - setupDone) / 1000,
        heal: (healed - faultsDone) / 1000,
        total: (Date.now() - started) / 1000,
      },
      handlerFailures,
    };
    log(
      `seed ${seed}: ${invariant.messages} messages in ${invariant.conversations} conversations, ${invariant.acked} acks, ${report.reconnects} reconnects, ${invariant.violations.length} violations`,
    );
    for (const line of invariant.violations) log(`  VIOLATION ${line}`);
    for (const m of members) {
      if (invariant.violations.some((v) => v.startsWith(`${m.name}:`))) {
        log(`  errors reported by ${m.name}: ${JSON.stringify(m.errors.slice(-12))}`);
      }
    }
    return report;
  } finally {
    for (const m of members) m.client.stop();
    injector.detach(undefined);
    await stack.stop().catch(() => undefined);
    await network.stop();
    await dynamo.stop();
    db.destroy();
  }
}
