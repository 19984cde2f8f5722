/**
 * The chaos suite's sizes (profiles) and its fault plan: which faults happen when, drawn from a
 * seeded RNG, so a failing seed replays the same plan (`CHAOS_SEED=<n>`). Real sockets and real
 * timers make the interleaving differ from run to run; the plan — what is injected, where, when
 * and how hard — is the same.
 */
import { seededRandom } from '../../client/testing/fake-clock';

export type ProfileName = 'short' | 'full';

export interface ChaosProfile {
  readonly name: ProfileName;
  readonly students: number;
  readonly admins: number;
  readonly rooms: number;
  /** Support conversations each admin keeps open (the rest they see through pushes only). */
  readonly adminOpenSupport: number;
  /** How long traffic runs and faults are injected, per run. */
  readonly faultPhaseMs: number;
  /** Runs, each with its own seed (seed, seed + 1, …) and its own tables. */
  readonly runs: number;
  /** Mean time between two messages of one student / one admin. */
  readonly studentMessageEveryMs: number;
  readonly adminMessageEveryMs: number;
  /** How many events of each kind the plan holds (at least one each). */
  readonly eventsPerKind: number;
  /** Time allowed, after the faults end, for every outbox to drain and every view to catch up. */
  readonly healDeadlineMs: number;
  /**
   * The clients' backoff cap. The product's is 30 s; the short run uses 2 s so it heals in
   * seconds. Hundreds of clients retrying every 2 s while DynamoDB fails would be a herd no real
   * fleet makes, so the full run keeps 10 s.
   */
  readonly backoffCapMs: number;
}

export const PROFILES: Record<ProfileName, ChaosProfile> = {
  short: {
    name: 'short',
    students: 14,
    admins: 2,
    rooms: 2,
    adminOpenSupport: 14,
    faultPhaseMs: 12_000,
    runs: 1,
    studentMessageEveryMs: 2500,
    adminMessageEveryMs: 1200,
    eventsPerKind: 1,
    healDeadlineMs: 45_000,
    backoffCapMs: 2000,
  },
  full: {
    name: 'full',
    students: 200,
    admins: 3,
    rooms: 6,
    adminOpenSupport: 30,
    faultPhaseMs: 60_000,
    runs: 3,
    studentMessageEveryMs: 10_000,
    adminMessageEveryMs: 1500,
    eventsPerKind: 2,
    healDeadlineMs: 300_000,
    backoffCapMs: 10_000,
  },
};

/** Frames the network can cut in the middle of (`type` of a server frame, `action` of a client's). */
export type CutFrame = 'sendmessage' | 'ack' | 'sync' | 'history' | 'message';
export type DynamoFault = 'throttle' | '5xx' | 'timeout' | 'lost-response';
export type PostFaultMode = '429' | '5xx' | '5xx-delivered' | '410' | 'ack-5xx';

export type FaultEvent =
  /** For a while, each frame of these kinds is cut mid-frame with this probability. */
  | {
      readonly kind: 'frame-cuts';
      readonly at: number;
      readonly durationMs: number;
      readonly probability: number;
      readonly frames: readonly CutFrame[];
    }
  /** The next frame of this kind to or from this client is cut mid-frame. */
  | {
      readonly kind: 'cut-client';
      readonly at: number;
      readonly client: number;
      readonly frame: CutFrame;
    }
  /** This fraction of all open connections is cut at once; every client reconnects. */
  | { readonly kind: 'storm'; readonly at: number; readonly fraction: number }
  /** For a while, DynamoDB requests fail (throttling, 5xx, hang then reset, or applied and the
   * response lost) with this probability. */
  | {
      readonly kind: 'dynamodb';
      readonly at: number;
      readonly durationMs: number;
      readonly mode: DynamoFault;
      readonly probability: number;
    }
  /** For a while, @connections POSTs fail with this probability. */
  | {
      readonly kind: 'post-faults';
      readonly at: number;
      readonly durationMs: number;
      readonly mode: PostFaultMode;
      readonly probability: number;
    }
  /** The gateway is killed with its clients attached and restarted after `downMs`. */
  | { readonly kind: 'kill'; readonly at: number; readonly downMs: number };

export type FaultKind = FaultEvent['kind'];
export const FAULT_KINDS: readonly FaultKind[] = [
  'frame-cuts',
  'cut-client',
  'storm',
  'dynamodb',
  'post-faults',
  'kill',
];

/** The plan of one run: every kind of fault at least once, at seeded random times. */
export function faultPlan(seed: number, profile: ChaosProfile): FaultEvent[] {
  const random = seededRandom(seed);
  const between = (lo: number, hi: number) => lo + random() * (hi - lo);
  const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const span = profile.faultPhaseMs;
  // Faults start after a quiet second and leave the last tenth without new ones.
  const at = () => Math.round(between(1000, span * 0.85));
  const clients = profile.students + profile.admins;
  const events: FaultEvent[] = [];
  const dynamoModes: readonly DynamoFault[] = ['throttle', '5xx', 'timeout', 'lost-response'];
  const postModes: readonly PostFaultMode[] = ['429', '5xx', '5xx-delivered', '410', 'ack-5xx'];
  const cutFrames: readonly CutFrame[] = ['sendmessage', 'ack', 'sync', 'history', 'message'];
  for (let round = 0; round < profile.eventsPerKind; round++) {
    events.push({
      kind: 'frame-cuts',
      at: at(),
      durationMs: Math.round(between(1000, 3000)),
      probability: Math.round(between(0.05, 0.3) * 100) / 100,
      frames: [...new Set(cutFrames.filter(() => random() < 0.6).concat(pick(cutFrames)))],
    });
    // Mid-ack and during sync, aimed at one client each: the cases the issue names.
    for (const frame of ['ack', 'sync', 'history'] as const) {
      events.push({ kind: 'cut-client', at: at(), client: int(0, clients - 1), frame });
    }
    events.push({ kind: 'storm', at: at(), fraction: Math.round(between(0.5, 1) * 100) / 100 });
    // Every DynamoDB and @connections failure mode appears in every run.
    for (const mode of round === 0 ? dynamoModes : [pick(dynamoModes)]) {
      events.push({
        kind: 'dynamodb',
        at: at(),
        durationMs: Math.round(between(800, 2500)),
        mode,
        probability: Math.round(between(0.3, 1) * 100) / 100,
      });
    }
    for (const mode of round === 0 ? postModes : [pick(postModes)]) {
      events.push({
        kind: 'post-faults',
        at: at(),
        durationMs: Math.round(between(800, 2500)),
        mode,
        probability: Math.round(between(0.3, 1) * 100) / 100,
      });
    }
    events.push({ kind: 'kill', at: at(), downMs: Math.round(between(300, 2000)) });
  }
  return events.sort((a, b) => a.at - b.at);
}

/** One line per event, for the log (the plan is printed with its seed). */
export function describePlan(events: readonly FaultEvent[]): string[] {
  return events.map((e) => {
    const t = `t=${(e.at / 1000).toFixed(1)}s`;
    switch (e.kind) {
      case 'frame-cuts':
        return `${t} cut ${Math.round(e.probability * 100)}% of ${e.frames.join('/')} frames mid-frame for ${e.durationMs} ms`;
      case 'cut-client':
        return `${t} cut client #${e.client} in the middle of its next ${e.frame}`;
      case 'storm':
        return `${t} reconnect storm: cut ${Math.round(e.fraction * 100)}% of connections at once`;
      case 'dynamodb':
        return `${t} DynamoDB ${e.mode} on ${Math.round(e.probability * 100)}% of requests for ${e.durationMs} ms`;
      case 'post-faults':
        return `${t} @connections ${e.mode} on ${Math.round(e.probability * 100)}% of posts for ${e.durationMs} ms`;
      case 'kill':
        return `${t} kill the gateway with clients attached, restart after ${e.downMs} ms`;
    }
    return t;
  });
}

/** The seed: CHAOS_SEED when set (replay), else a fresh one. */
export function chaosSeed(env: NodeJS.ProcessEnv = process.env): number {
  const given = env.CHAOS_SEED;
  if (given !== undefined && given !== '') {
    const seed = Number(given);
    if (!Number.isInteger(seed) || seed < 0) throw new Error('CHAOS_SEED must be a whole number');
    return seed;
  }
  return Math.floor(Math.random() * 2 ** 31);
}
