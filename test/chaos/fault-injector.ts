/**
 * Carries out a fault plan against the running system: mid-frame cuts and storms through the
 * network fault proxy, DynamoDB failures through the DynamoDB proxy's intercept hook, @connections
 * failures through the gateway's post-fault hook, and gateway kills and restarts. Decisions within
 * a window (which request fails) come from their own seeded RNG.
 */
import { seededRandom } from '../../client/testing/fake-clock';
import type { DynamoDbProxy, InjectedResponse, InterceptOutcome } from '../../local/dynamodb-proxy';
import type { PostFault, WebSocketGateway } from '../../local/gateway/websocket-gateway';
import type { CutFrame, DynamoFault, FaultEvent, PostFaultMode } from './fault-plan';
import type { NetworkFaultProxy } from './network-fault-proxy';

export interface InjectorDeps {
  readonly dynamo: DynamoDbProxy;
  readonly network: NetworkFaultProxy;
  /** Kills the gateway (reporting the ids of the connections the kill cut through `killed`),
   * waits `downMs`, and starts a new one on the same port. */
  readonly restartGateway: (
    downMs: number,
    killed: (ids: readonly string[]) => void,
  ) => Promise<void>;
  readonly seed: number;
  /** How many clients there are (a storm waits for half of them to be connected). */
  readonly clients: number;
  readonly log: (line: string) => void;
}

/** What was injected, by kind. */
export interface InjectionCounts {
  midFrameCuts: number;
  stormCuts: number;
  storms: number;
  dynamodb: Record<DynamoFault, number>;
  posts: Record<PostFaultMode, number>;
  kills: number;
  killedConnections: number;
}

interface Window<T> {
  readonly until: number;
  readonly probability: number;
  readonly detail: T;
}

const WRITES = new Set([
  'TransactWriteItems',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
]);

function dynamoError(type: string, status: number): InjectedResponse {
  return {
    status,
    body: JSON.stringify({
      __type: `com.amazonaws.dynamodb.v20120810#${type}`,
      message: 'injected by the chaos suite',
    }),
  };
}

export class FaultInjector {
  readonly counts: InjectionCounts = {
    midFrameCuts: 0,
    stormCuts: 0,
    storms: 0,
    dynamodb: { throttle: 0, '5xx': 0, timeout: 0, 'lost-response': 0 },
    posts: { '429': 0, '5xx': 0, '5xx-delivered': 0, '410': 0, 'ack-5xx': 0 },
    kills: 0,
    killedConnections: 0,
  };
  readonly killed = new Set<string>();
  private readonly random: () => number;
  private cutWindows: Window<readonly CutFrame[]>[] = [];
  private targets: { tag: string; frame: CutFrame }[] = [];
  private dynamoWindows: Window<DynamoFault>[] = [];
  private postWindows: Window<PostFaultMode>[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly work = new Set<Promise<unknown>>();
  /** Held DynamoDB requests (timeouts) are released when their window ends or on heal. */
  private readonly held = new Set<() => void>();
  /** The kill (and restart) under way, if any. */
  private killing: Promise<void> = Promise.resolve();

  constructor(private readonly deps: InjectorDeps) {
    this.random = seededRandom(deps.seed ^ 0x5bd1e995);
    deps.network.setCutter((connection, frame) => {
      const kind = frameKind(frame.text);
      if (!kind) return false;
      const target = this.targets.findIndex((t) => t.tag === connection.tag && t.frame === kind);
      const aimed = target >= 0;
      if (aimed) this.targets.splice(target, 1);
      const cut =
        aimed ||
        this.active(this.cutWindows).some(
          (w) => w.detail.includes(kind) && this.random() < w.probability,
        );
      if (cut) this.counts.midFrameCuts++;
      return cut;
    });
    deps.dynamo.setInterceptor((request) => this.onDynamo(request.operation));
  }

  /** Installs the @connections hook on a (new) gateway. */
  attach(gateway: WebSocketGateway): void {
    gateway.setPostFaults((_connectionId, data) => this.onPost(data));
  }

  /** Schedules every event of the plan, relative to now. */
  schedule(events: readonly FaultEvent[]): void {
    for (const event of events) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        this.track(this.apply(event));
      }, event.at);
      this.timers.add(timer);
    }
  }

  /** Ends every fault: no new ones, held requests released, kills and restarts finished. */
  async heal(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.cutWindows = [];
    this.targets = [];
    this.dynamoWindows = [];
    this.postWindows = [];
    for (const release of this.held) release();
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  /** Removes the hooks. */
  detach(gateway: WebSocketGateway | undefined): void {
    this.deps.network.setCutter(undefined);
    this.deps.dynamo.setInterceptor(undefined);
    gateway?.setPostFaults(undefined);
  }

  private async apply(event: FaultEvent): Promise<void> {
    const until = Date.now() + ('durationMs' in event ? event.durationMs : 0);
    switch (event.kind) {
      case 'frame-cuts':
        this.cutWindows.push({ until, probability: event.probability, detail: event.frames });
        return;
      case 'cut-client':
        this.targets.push({ tag: String(event.client), frame: event.frame });
        return;
      case 'storm': {
        // A storm needs connections to cut: after a kill, wait for the clients to come back.
        const deadline = Date.now() + 5000;
        while (
          this.deps.network.connections().length < this.deps.clients / 2 &&
          Date.now() < deadline
        ) {
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const open = this.deps.network.connections();
        const chosen = open.filter(() => this.random() < event.fraction).map((c) => c.id);
        const cut = this.deps.network.cut(chosen);
        this.counts.storms++;
        this.counts.stormCuts += cut;
        this.deps.log(`storm: cut ${cut} of ${open.length} connections at once`);
        return;
      }
      case 'dynamodb':
        this.dynamoWindows.push({ until, probability: event.probability, detail: event.mode });
        return;
      case 'post-faults':
        this.postWindows.push({ until, probability: event.probability, detail: event.mode });
        return;
      case 'kill': {
        // One kill at a time: a kill that comes while the last restart is still under way waits
        // for it (two restarts racing for the port would leave one retrying for ever).
        const previous = this.killing;
        let done: () => void = () => undefined;
        this.killing = new Promise<void>((resolve) => {
          done = resolve;
        });
        await previous;
        try {
          await this.kill(event.downMs);
        } finally {
          done();
        }
        return;
      }
    }
  }

  private async kill(downMs: number): Promise<void> {
    let cut = 0;
    await this.deps.restartGateway(downMs, (ids) => {
      for (const id of ids) this.killed.add(id);
      cut = ids.length;
      this.counts.kills++;
      this.counts.killedConnections += ids.length;
    });
    this.deps.log(`kill: gateway killed with ${cut} connections, restarted`);
  }

  private async onDynamo(operation: string): Promise<InterceptOutcome> {
    for (const window of this.active(this.dynamoWindows)) {
      const mode = window.detail;
      if (mode === 'lost-response' && !WRITES.has(operation)) continue;
      if (this.random() >= window.probability) continue;
      this.counts.dynamodb[mode]++;
      switch (mode) {
        case 'throttle':
          return dynamoError('ProvisionedThroughputExceededException', 400);
        case '5xx':
          return this.random() < 0.5
            ? dynamoError('InternalServerError', 500)
            : dynamoError('ServiceUnavailable', 503);
        case 'timeout':
          // Hang until the window ends, then reset: what a client sees when DynamoDB is unreachable.
          await this.hold(window.until);
          return { drop: true };
        case 'lost-response':
          // Applied, and the answer never arrives: the crash-after-store case.
          return this.random() < 0.5
            ? { ...dynamoError('InternalServerError', 500), afterForwarding: true }
            : { drop: true, afterForwarding: true };
      }
    }
    return undefined;
  }

  private onPost(data: Buffer): PostFault | undefined {
    for (const window of this.active(this.postWindows)) {
      const mode = window.detail;
      if (mode === 'ack-5xx' && !data.subarray(0, 16).toString().startsWith('{"type":"ack"')) {
        continue;
      }
      if (this.random() >= window.probability) continue;
      this.counts.posts[mode]++;
      switch (mode) {
        case '429':
          return { status: 429 };
        case '5xx':
        case 'ack-5xx':
          return { status: ([500, 502, 503, 504] as const)[Math.floor(this.random() * 4)] ?? 500 };
        case '5xx-delivered':
          return { status: 500, delivered: true };
        case '410':
          return { status: 410 };
      }
    }
    return undefined;
  }

  private hold(until: number): Promise<void> {
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.held.delete(release);
        resolve();
      };
      const timer = setTimeout(release, Math.max(0, until - Date.now()));
      this.held.add(release);
    });
  }

  private active<T>(windows: Window<T>[]): Window<T>[] {
    const now = Date.now();
    return windows.filter((w) => w.until > now);
  }

  private track(work: Promise<unknown>): void {
    const tracked = work
      .catch((error: unknown) => this.deps.log(`fault failed: ${(error as Error).message}`))
      .finally(() => this.work.delete(tracked));
    this.work.add(tracked);
  }
}

/** `ack`, `sync`… for the frames a plan can aim at, from a frame's JSON text. */
function frameKind(text: string | undefined): CutFrame | undefined {
  if (text === undefined) return undefined;
  const kind = /^\{"(?:type|action)":"([a-z]+)"/.exec(text)?.[1];
  return kind === 'sendmessage' ||
    kind === 'ack' ||
    kind === 'sync' ||
    kind === 'history' ||
    kind === 'message'
    ? kind
    : undefined;
}
