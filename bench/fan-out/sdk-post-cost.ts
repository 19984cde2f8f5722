/**
 * Client-side CPU per @connections post, per SDK tuning step (issue 18 "Fan-out cost"): the same
 * fan-outs through the real `@aws-sdk/client-apigatewaymanagementapi` client built three ways —
 * the SDK's defaults, the socket pool sized to the fan-out, and the unneeded middleware trimmed
 * too — taking turns in one run. The server answering the posts is a separate process (a bare
 * HTTP server that reads the body and answers 200 `{}`), so process.cpuUsage here is the client's
 * own work: building, signing, sending and parsing each request.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type { Agent } from 'node:http';
import { PostToConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import type { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import {
  createConnectionsClient,
  type SenderClientOptions,
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

function queued(client: ApiGatewayManagementApiClient): number {
  const handler = client.config.requestHandler as unknown as { config?: { httpAgent?: Agent } };
  const agent = handler.config?.httpAgent;
  if (!agent) return 0;
  return Object.values(agent.requests).reduce((n, list) => n + (list?.length ?? 0), 0);
}

/**
 * Fan-outs of `recipients` posts at `concurrency`, `fanOuts` of them running at once (as
 * concurrent invocations share one client in the local stack), `rounds` turns per variant.
 */
export async function measureSdkVariants(options: {
  readonly recipients: number;
  readonly concurrency: number;
  readonly parallelFanOuts: number;
  readonly fanOuts: number;
  readonly rounds: number;
}): Promise<SdkVariantResult[]> {
  const { child, port } = await startServer();
  const data = new TextEncoder().encode(JSON.stringify({ type: 'message', text: 'x'.repeat(120) }));
  const ids = Array.from({ length: options.recipients }, (_, i) => `conn-${i}=`);
  const totals = SDK_VARIANTS.map(() => ({ cpu: 0, posts: 0, ms: 0, fanOuts: 0, maxQueued: 0 }));
  const clients = SDK_VARIANTS.map((v) =>
    createConnectionsClient(`http://127.0.0.1:${port}/local`, 'us-east-1', {
      ...v,
      concurrency: options.concurrency,
    }),
  );
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const fanOut = async (i: number) => {
    const client = clients[i] as ApiGatewayManagementApiClient;
    await forEachConcurrently(ids, options.concurrency, async (id) => {
      await client.send(new PostToConnectionCommand({ ConnectionId: id, Data: data }));
    });
  };
  try {
    for (let round = -1; round < options.rounds; round++) {
      for (let i = 0; i < SDK_VARIANTS.length; i++) {
        const total = totals[i] as (typeof totals)[number];
        const client = clients[i] as ApiGatewayManagementApiClient;
        const sampler = setInterval(() => {
          total.maxQueued = Math.max(total.maxQueued, queued(client));
        }, 1);
        const cpu = process.cpuUsage();
        const start = performance.now();
        for (let n = 0; n < options.fanOuts; n += options.parallelFanOuts) {
          await Promise.all(Array.from({ length: options.parallelFanOuts }, () => fanOut(i)));
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
    for (const client of clients) client.destroy();
    child.kill();
  }
  return SDK_VARIANTS.map((v, i) => {
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
