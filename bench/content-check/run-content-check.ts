/**
 * `npm run bench:content-check`: what content security (WeChat msgSecCheck, checked before every
 * send is stored) adds to the ack, with the stand-in answering after 0 ms and after a realistic
 * 80 ms. A small scenario on its own, so it can be run without the 12-minute `npm run bench`.
 *
 * Two measurements, each at both stand-in latencies:
 * - the check alone: the production adapter (createWeChatContentChecker over the shared token
 *   service and call helper) calling the local stand-in, as the sendmessage handler does — this is
 *   exactly what admission adds before the send, since the check runs before the BatchGet;
 * - the ack over a real WebSocket: sendmessage on the local stack (gateway, handlers, DynamoDB
 *   Local) in a 2-member room, from send to ack.
 * The stack runs in this process (as in the tests); the figures are this machine's, no goals.
 * Writes docs/benchmarks-content-check.md (bench/.out/content-check.md with --out-scratch) and
 * bench/.out/content-check.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { createDocumentClient } from '../../functions/adapters/dynamo-client';
import { createWeChatClient } from '../../functions/adapters/wechat-client';
import { createWeChatContentChecker } from '../../functions/adapters/wechat-content-check';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { type LocalStack, startLocalStack } from '../../local/local-stack';
import type WebSocket from 'ws';
import { connectWithToken, login, request } from '../clients/ours-protocol';
import { LatencyRecorder, type LatencySummary } from '../metrics/histogram';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.LOG_LEVEL = 'SILENT';

const LATENCIES_MS = [0, 80] as const;
const WARMUP = 20;
const ROUNDS = 10;
const SAMPLES = Number(process.env.CONTENT_CHECK_SAMPLES ?? 200);
const silent = { debug() {}, info() {}, warn() {}, error() {} };

interface Row {
  readonly standInLatencyMs: number;
  readonly check: LatencySummary;
  readonly ack: LatencySummary;
}

/** Sends and checks, taking turns between the stand-in latencies (the main bench's rounds). */
async function measure(stack: LocalStack): Promise<Row[]> {
  const wechat = createWeChatClient({
    db: createDocumentClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' }),
    tokenTable: stack.tables.wechatTokens,
    baseUrl: `${stack.urls.http}/wechat`,
    appId: process.env.WECHAT_APPID ?? '',
    appSecret: async () => process.env.WECHAT_SECRET ?? '',
  });
  const checker = createWeChatContentChecker(wechat.api, silent);
  const [aliceToken, bobToken, adminToken] = await Promise.all(
    ['bench-alice', 'bench-bob', 'admin'].map((name) => login(stack.urls.login, name)),
  );
  const sockets = await Promise.all(
    [aliceToken, bobToken, adminToken].map((t) =>
      connectWithToken(stack.urls.websocket, t as string),
    ),
  );
  const [alice, bob, admin] = sockets as [WebSocket, WebSocket, WebSocket];
  const recorders = LATENCIES_MS.map(() => ({
    check: new LatencyRecorder(),
    ack: new LatencyRecorder(),
  }));
  try {
    const room = await request(admin, { action: 'createroom', title: 'Bench room' });
    const roomId = (room.conversation as { id: string }).id;
    await request(alice, { action: 'join', conversationId: roomId });
    await request(bob, { action: 'join', conversationId: roomId });
    let n = 0;
    const send = async () => {
      n += 1;
      const started = performance.now();
      const ack = await request(alice, {
        action: 'sendmessage',
        conversationId: roomId,
        text: `Is room 3F open tonight? #${n}`,
      });
      if (ack.type !== 'ack') throw new Error(`send ${n}: ${JSON.stringify(ack)}`);
      return performance.now() - started;
    };
    const check = async () => {
      n += 1;
      const started = performance.now();
      await checker.check(`Is room 3F open tonight? #${n}`, 'message', 'bench-alice');
      return performance.now() - started;
    };
    for (let i = 0; i < WARMUP; i++) await send();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, latencyMs] of LATENCIES_MS.entries()) {
        stack.wechat.configure({ latencyMs });
        const recorder = recorders[index] as (typeof recorders)[number];
        for (let i = 0; i < SAMPLES / ROUNDS; i++) {
          recorder.check.record(await check());
          recorder.ack.record(await send());
        }
      }
    }
  } finally {
    for (const ws of sockets) ws.close();
  }
  return LATENCIES_MS.map((standInLatencyMs, index) => ({
    standInLatencyMs,
    check: (recorders[index] as (typeof recorders)[number]).check.summary(),
    ack: (recorders[index] as (typeof recorders)[number]).ack.summary(),
  }));
}

function markdown(rows: readonly Row[]): string {
  const f = (ms: number) => ms.toFixed(1);
  const base = rows[0] as Row;
  const lines = [
    '# Content security: what msgSecCheck adds to the ack',
    '',
    `\`npm run bench:content-check\`: ${SAMPLES} checks and ${SAMPLES} sends per row after ${WARMUP} warm-up sends, the`,
    `two latencies taking turns in ${ROUNDS} rounds; load average ${load[0].toFixed(2)} before and ${load[1].toFixed(2)} after`,
    '(2 cores shared with other work). Stand-in latency is the delay of the local msgSecCheck stand-in',
    '(a WeChat call from a mainland region takes about 80 ms). The check runs before the send is',
    'stored, so its whole duration adds to the ack: "check alone" is that duration, through the same',
    'adapter the handler uses (token service, call helper, the local HTTP round trip).',
    '',
    '| stand-in latency | check alone p50 / p95 (ms) | ack p50 / p95 (ms) | ack p50 over 0 ms |',
    '|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.standInLatencyMs} ms | ${f(r.check.p50)} / ${f(r.check.p95)} | ${f(r.ack.p50)} / ${f(r.ack.p95)} | +${f(r.ack.p50 - base.ack.p50)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

let load: [number, number] = [0, 0];
const dynamodb = await startDynamoDbLocal();
let stack: LocalStack | undefined;
try {
  stack = await startLocalStack({
    dynamodbEndpoint: dynamodb.endpoint,
    tablePrefix: `ccbench${Date.now().toString(36)}-`,
    console: false,
    env: { SEND_RATE_LIMIT: '1000000', MESSAGE_BURST: '1000000', MESSAGE_PER_SECOND: '1000000' },
  });
  const loadBefore = loadavg()[0] as number;
  const rows = await measure(stack);
  load = [loadBefore, loadavg()[0] as number];
  const out = fileURLToPath(new URL('../.out', import.meta.url));
  mkdirSync(out, { recursive: true });
  writeFileSync(`${out}/content-check.json`, `${JSON.stringify(rows, null, 2)}\n`);
  const page = markdown(rows);
  const target = process.argv.includes('--out-scratch')
    ? `${out}/content-check.md`
    : fileURLToPath(new URL('../../docs/benchmarks-content-check.md', import.meta.url));
  writeFileSync(target, page);
  console.log(`\n${page}\n[bench] wrote ${target}`);
} finally {
  await stack?.stop();
  await dynamodb.stop();
}
