/**
 * Client-side CPU per @connections post, per SDK tuning step (issue 18 "Fan-out cost"): the same
 * fan-outs through the real `@aws-sdk/client-apigatewaymanagementapi` client built each way — the
 * SDK's defaults, then one tuning step after another up to what the handlers use — taking turns in
 * one run. The server answering the posts is a separate process (a bare HTTP server that reads the
 * body and answers 200 `{}`), so process.cpuUsage here is the client's own work: building,
 * signing, sending and parsing each request.
 *
 * Beside them, for reference only, the same posts as bare `node:http` requests with the same
 * keep-alive pool, path, headers and body, unsigned and unparsed (HTTP_REFERENCE): what any
 * client must spend to put a request on the wire and read its answer. The handlers never post
 * this way (the issue rules out a hand-rolled SigV4 client); the difference between the two is
 * what the SDK itself costs per post, the part of the fan-out no handler change can remove.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import {
  createConnectionsClient,
  type SenderClientOptions,
  SOCKET_HEADROOM,
} from '../../functions/adapters/connection-sender';
import { forEachConcurrently } from '../../functions/domain/fan-out';

export interface SdkVariant extends Omit<SenderClientOptions, 'concurrency'> {
  readonly name: string;
}

const OFF = { sizedPool: false, trimMiddleware: false, cacheMiddleware: false, reuseSigner: false };

/** Each step adds one change to the one before (the last is what the handlers use). */
export const SDK_VARIANTS: readonly SdkVariant[] = [
  { name: 'SDK defaults (pool of 50, full middleware)', ...OFF },
  { name: 'socket pool sized to the fan-out', ...OFF, sizedPool: true },
  {
    name: '+ user-agent and recursion-detection middleware off',
    ...OFF,
    sizedPool: true,
    trimMiddleware: true,
  },
  {
    name: '+ cacheMiddleware',
    ...OFF,
    sizedPool: true,
    trimMiddleware: true,
    cacheMiddleware: true,
  },
  { name: '+ one SigV4 signer per client (all of the above)' },
];

/** The client the handlers use (every tuning step on). */
export const HANDLERS_CLIENT = SDK_VARIANTS[SDK_VARIANTS.length - 1] as SdkVariant;

/** The reference row: bare node:http posts, no SDK (see the module comment). */
export const HTTP_REFERENCE = {
  name: 'node:http alone, unsigned (reference: no SDK)',
  http: true,
} as const;

/** A row of the measurement: an SDK client built some way, or the bare-HTTP reference. */
export type PostVariant = SdkVariant | typeof HTTP_REFERENCE;

export interface SdkVariantResult {
  readonly variant: string;
  readonly posts: number;
  /** Client CPU (user + system) per post, microseconds. */
  readonly cpuMicrosPerPost: number;
  /** Wall time per fan-out, ms (mean). */
  readonly fanOutMs: number;
  /** Most requests seen waiting for a socket in the client's agent at once. */
  readonly maxQueued: number;
}

const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); });
});
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
    child.once('error', reject);
  });
  return { child, port };
}

function queuedIn(agent: Agent | undefined): number {
  if (!agent) return 0;
  return Object.values(agent.requests).reduce((n, list) => n + (list?.length ?? 0), 0);
}

/** One way of posting to a connection, with its agent's queue and its teardown. */
interface Poster {
  post(connectionId: string): Promise<void>;
  queued(): number;
  destroy(): void;
}

function sdkPoster(
  variant: SdkVariant,
  port: number,
  concurrency: number,
  data: Uint8Array,
): Poster {
  const client = createConnectionsClient(`http://127.0.0.1:${port}/local`, 'us-east-1', {
    ...variant,
    concurrency,
  });
  const handler = client.config.requestHandler as unknown as { config?: { httpAgent?: Agent } };
  return {
    async post(id) {
      await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }));
    },
    queued: () => queuedIn(handler.config?.httpAgent),
    destroy: () => client.destroy(),
  };
}

/**
 * The same request as the SDK's on the wire (method, path, body, content type, a signature-sized
 * authorization header), sent with node:http over a pool as large as the handlers' client's.
 */
function httpPoster(port: number, concurrency: number, data: Uint8Array): Poster {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency + SOCKET_HEADROOM });
  const headers = {
    'content-type': 'application/json',
    'content-length': String(data.byteLength),
    'x-amz-date': '20261204T000000Z',
    authorization: `AWS4-HMAC-SHA256 Credential=local/20261204/us-east-1/execute-api/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date, Signature=${'0'.repeat(64)}`,
  };
  return {
    post: (id) =>
      new Promise<void>((resolve, reject) => {
        const path = `/local/@connections/${encodeURIComponent(id)}`;
        const req = request({ host: '127.0.0.1', port, path, method: 'POST', agent, headers });
        req.on('response', (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error('status'))));
        });
        req.on('error', reject);
        req.end(data);
      }),
    queued: () => queuedIn(agent),
    destroy: () => agent.destroy(),
  };
}

/**
 * Fan-outs of `recipients` posts at `concurrency`, `fanOuts` of them running at once (as
 * concurrent invocations share one client in the local stack), `rounds` turns per variant
 * (default: every SDK tuning step).
 */
export async function measureSdkVariants(options: {
  readonly recipients: number;
  readonly concurrency: number;
  readonly parallelFanOuts: number;
  readonly fanOuts: number;
  readonly rounds: number;
  readonly variants?: readonly PostVariant[];
}): Promise<SdkVariantResult[]> {
  const variants = options.variants ?? SDK_VARIANTS;
  const { child, port } = await startServer();
  const data = new TextEncoder().encode(JSON.stringify({ type: 'message', text: 'x'.repeat(120) }));
  const ids = Array.from({ length: options.recipients }, (_, i) => `conn-${i}=`);
  const totals = variants.map(() => ({ cpu: 0, posts: 0, ms: 0, fanOuts: 0, maxQueued: 0 }));
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const posters = variants.map((v) =>
    'http' in v
      ? httpPoster(port, options.concurrency, data)
      : sdkPoster(v, port, options.concurrency, data),
  );
  const fanOut = async (poster: Poster) => {
    await forEachConcurrently(ids, options.concurrency, (id) => poster.post(id));
  };
  try {
    for (let round = -1; round < options.rounds; round++) {
      for (let i = 0; i < variants.length; i++) {
        const total = totals[i] as (typeof totals)[number];
        const poster = posters[i] as Poster;
        const sampler = setInterval(() => {
          total.maxQueued = Math.max(total.maxQueued, poster.queued());
        }, 1);
        const cpu = process.cpuUsage();
        const start = performance.now();
        for (let n = 0; n < options.fanOuts; n += options.parallelFanOuts) {
          await Promise.all(Array.from({ length: options.parallelFanOuts }, () => fanOut(poster)));
        }
        const elapsed = performance.now() - start;
        const used = process.cpuUsage(cpu);
        clearInterval(sampler);
        // Round -1 warms every variant up (JIT, sockets) and is not counted.
        if (round < 0) {
          total.maxQueued = 0;
          continue;
        }
        total.cpu += used.user + used.system;
        total.posts += options.fanOuts * options.recipients;
        total.ms += elapsed;
        total.fanOuts += options.fanOuts;
      }
    }
  } finally {
    for (const poster of posters) poster.destroy();
    child.kill();
  }
  return variants.map((v, i) => {
    const t = totals[i] as (typeof totals)[number];
    return {
      variant: v.name,
      posts: t.posts,
      cpuMicrosPerPost: t.cpu / t.posts,
      fanOutMs: t.ms / t.fanOuts,
      maxQueued: t.maxQueued,
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const results = await measureSdkVariants({
    recipients: 50,
    concurrency: 50,
    parallelFanOuts: Number(process.argv[2] ?? 1),
    fanOuts: 40,
    rounds: 4,
  });
  console.table(results);
}
