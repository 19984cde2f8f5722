/**
 * Summarises a V8 CPU profile of a stack process: self time by area of the code (our domain,
 * adapters, the AWS SDK, the gateway emulator, Node's own http/net…) and the hottest functions.
 */
import type { Profiler, Runtime } from 'node:inspector';
import { fileURLToPath } from 'node:url';

export interface ProfileSummary {
  /** Profiled wall time, ms. */
  readonly wallMs: number;
  /** Time the process was busy (not idle), ms. */
  readonly busyMs: number;
  readonly areas: readonly { area: string; ms: number; share: number }[];
  readonly functions: readonly { name: string; where: string; ms: number; share: number }[];
  /** Busy time of each profiled thread (the gateway's, the functions'), ms. */
  readonly threads: readonly { thread: string; busyMs: number }[];
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const AREAS: readonly [RegExp, string][] = [
  [/\/functions\/domain\//, 'campus-chat domain (functions/domain)'],
  [/\/functions\/adapters\//, 'campus-chat adapters (functions/adapters)'],
  [/\/functions\//, 'campus-chat handlers, config (functions/)'],
  [/\/protocol\//, 'campus-chat wire contract (protocol/)'],
  [/\/bench\/baselines\//, 'Scan baseline handlers'],
  [
    /node_modules\/(@aws-sdk|@smithy|@aws-crypto)\//,
    'AWS SDK v3 (clients, signing, (de)serialisation)',
  ],
  [/node_modules\/@aws-lambda-powertools\//, 'Powertools logger'],
  [/node_modules\/valibot\//, 'valibot (frame validation)'],
  [/node_modules\/jose\//, 'jose (JWT)'],
  [/node_modules\/ws\//, 'ws (WebSocket library of the emulator)'],
  [/\/local\/gateway\//, 'API Gateway emulator (local/gateway)'],
  [/\/local\/dynamodb-proxy/, 'bench instrumentation (DynamoDB proxy)'],
  [/\/bench\//, 'bench instrumentation'],
  [/node_modules\//, 'other dependencies'],
];

function areaOf(frame: Runtime.CallFrame): string {
  const { url, functionName } = frame;
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)' || functionName === '(root)') return 'V8 / native (program)';
  if (!url || url.startsWith('node:')) return 'Node.js core (http, net, streams, timers, JSON)';
  for (const [pattern, area] of AREAS) if (pattern.test(url)) return area;
  return 'other';
}

function where(frame: Runtime.CallFrame): string {
  const url = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  const short = url.startsWith(REPO_ROOT) ? url.slice(REPO_ROOT.length) : url;
  return short ? `${short}:${frame.lineNumber + 1}` : '(native)';
}

/** A profile of one thread of the stack process, named after what runs there. */
export interface ThreadProfile {
  readonly thread: string;
  readonly profile: Profiler.Profile;
}

/**
 * Self time per area and the top `top` functions by self time, excluding idle, over the profiles
 * of one process's threads sampled over the same time: busy time is their sum (two threads can
 * keep two cores busy), wall time the longest profile.
 */
export function summarizeProfile(profiles: readonly ThreadProfile[], top = 12): ProfileSummary {
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, { name: string; where: string; us: number }>();
  const threads: { thread: string; busyMs: number }[] = [];
  let wallUs = 0;
  let busyUs = 0;
  for (const { thread, profile } of profiles) {
    const selfUs = new Map<number, number>();
    const samples = profile.samples ?? [];
    const deltas = profile.timeDeltas ?? [];
    for (let i = 0; i < samples.length; i++) {
      const id = samples[i] as number;
      selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
    }
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    let threadTotalUs = 0;
    let threadBusyUs = 0;
    for (const [id, us] of selfUs) {
      const frame = nodes.get(id)?.callFrame;
      if (!frame) continue;
      threadTotalUs += us;
      const area = areaOf(frame);
      if (area === '(idle)') continue;
      threadBusyUs += us;
      byArea.set(area, (byArea.get(area) ?? 0) + us);
      const location = where(frame);
      const key = `${frame.functionName}@${location}`;
      const entry = byFunction.get(key) ?? {
        name: frame.functionName || '(anonymous)',
        where: location,
        us: 0,
      };
      entry.us += us;
      byFunction.set(key, entry);
    }
    wallUs = Math.max(wallUs, threadTotalUs);
    busyUs += threadBusyUs;
    threads.push({ thread, busyMs: threadBusyUs / 1000 });
  }
  const share = (us: number) => (busyUs > 0 ? us / busyUs : 0);
  return {
    wallMs: wallUs / 1000,
    busyMs: busyUs / 1000,
    areas: [...byArea]
      .sort((a, b) => b[1] - a[1])
      .map(([area, us]) => ({ area, ms: us / 1000, share: share(us) })),
    functions: [...byFunction.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: f.us / 1000, share: share(f.us) })),
    threads,
  };
}
