/**
 * Test what ships: `cdk synth` with bundling really running (esbuild, once per handler) for the
 * global partition and a China region, then the very bundles synth produced are loaded into the
 * local API Gateway emulator and driven over real WebSockets against DynamoDB Local and the local
 * @connections API. Their secrets come from Secrets Manager (a loopback stand-in speaking its wire
 * protocol) the way they do on AWS, and the AWS SDK from outside the bundle, the way the Lambda
 * runtime provides it. A bundling mistake — ESM/CJS mix-up, a dependency left out, a module that
 * cannot load — fails here instead of in production.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES, ROUTES } from '../../functions/routes';
import { INDEX } from '../../functions/tables';
import type { LocalStack } from '../../local/local-stack';
import { type ChatTestClient, connectAs, type Frame, nextId } from '../../test/support/chat-client';
import {
  type SecretsManagerStandIn,
  startSecretsManagerStandIn,
} from '../../test/support/secrets-manager-stand-in';
import { startTestStack } from '../../test/support/test-stack';
import type { CfnElement } from 'aws-cdk-lib';
import { BUCKETS } from '../../functions/buckets';
import { sourceHandlerUrl } from '../../local/gateway/lambda-runtime';
import { EVENT_SOURCES } from '../../functions/event-sources';
import { WORKERS } from '../../functions/workers';
import { ESM_REQUIRE_BANNER } from '../lib/bundle-settings';
import { REPO_ROOT } from '../lib/handler-function';
import { DEFAULT_SETTINGS } from '../lib/stack-config';
import { removeSynthOutputs, resourcesOf, type Synthesized, synthesize } from './support/synth';
import { functionForRoute, referencedId } from './support/template-queries';

afterAll(removeSynthOutputs);

const BUNDLING_TIMEOUT_MS = 300_000;
const JWT_ID = DEFAULT_SETTINGS.secrets.jwtSecretId;
const WECHAT_ID = DEFAULT_SETTINGS.secrets.wechatSecretId;

let global: Synthesized;
let china: Synthesized;

/** The handler names of every function the stack ships. */
const HANDLERS = [
  ...ROUTES.flatMap((r) => (r.integration.kind === 'lambda' ? [r.integration.handler] : [])),
  ...HTTP_ROUTES.map((r) => r.handler),
  ...EVENT_SOURCES.map((s) => s.handler),
  ...WORKERS.map((w) => w.handler),
];

/** The S3-event functions (functions/buckets.ts), bundled with sharp for their CPU. */
const BUCKET_HANDLERS = BUCKETS.flatMap((b) => b.events.map((e) => e.handler));

function apiOf(synth: Synthesized, protocol: 'WEBSOCKET' | 'HTTP'): string {
  const found = resourcesOf(synth.json, 'AWS::ApiGatewayV2::Api').find(
    ([, r]) => r.Properties.ProtocolType === protocol,
  );
  if (!found) throw new Error(`no ${protocol} API`);
  return found[0];
}

/** A stream consumer's function, found through its event-source mapping in the template. */
function streamFunction(synth: Synthesized, sourceId: string) {
  const fn = synth.stack.streams.functions.get(sourceId)?.function;
  const id = synth.stack.resolve((fn?.node.defaultChild as CfnElement).logicalId) as string;
  const mapped = resourcesOf(synth.json, 'AWS::Lambda::EventSourceMapping').some(
    ([, m]) => referencedId(m.Properties.FunctionName) === id,
  );
  const resource = synth.json.Resources[id];
  if (!mapped || !resource) throw new Error(`no mapped function for ${sourceId}`);
  return { fn: resource };
}

/** A worker's function (functions/workers.ts), from the stack's worker functions. */
function workerFunction(synth: Synthesized, workerId: (typeof WORKERS)[number]['id']) {
  const fn = synth.stack.workers.functions.get(workerId)?.function;
  const id = synth.stack.resolve((fn?.node.defaultChild as CfnElement).logicalId) as string;
  const resource = synth.json.Resources[id];
  if (!resource) throw new Error(`no function for worker ${workerId}`);
  return { fn: resource };
}

/** The function of an S3-event handler (functions/buckets.ts), from the stack's image storage. */
function bucketFunction(synth: Synthesized, handler: string) {
  const fn = synth.stack.images.functions.get(handler)?.function;
  const id = synth.stack.resolve((fn?.node.defaultChild as CfnElement).logicalId) as string;
  const resource = synth.json.Resources[id];
  if (!resource) throw new Error(`no function for ${handler}`);
  return { fn: resource };
}

/**
 * The bundle the synthesized template deploys for a handler, found by following the template:
 * route -> integration -> function -> code asset -> `asset.<hash>/index.mjs`.
 */
function bundleFor(synth: Synthesized, handler: string): string {
  const consumer = EVENT_SOURCES.find((s) => s.handler === handler);
  const http = HTTP_ROUTES.find((r) => r.handler === handler);
  const worker = WORKERS.find((w) => w.handler === handler);
  const found = consumer
    ? streamFunction(synth, consumer.id)
    : worker
      ? workerFunction(synth, worker.id)
      : BUCKET_HANDLERS.includes(handler)
        ? bucketFunction(synth, handler)
        : http
          ? functionForRoute(synth.json, apiOf(synth, 'HTTP'), `${http.method} ${http.path}`)
          : functionForRoute(
              synth.json,
              apiOf(synth, 'WEBSOCKET'),
              (ROUTES.find(
                (r) => r.integration.kind === 'lambda' && r.integration.handler === handler,
              )?.routeKey as string) ?? '',
            );
  const key = found.fn.Properties.Code.S3Key as string;
  const [moduleName] = (found.fn.Properties.Handler as string).split('.');
  return join(synth.outdir, `asset.${key.replace(/\.zip$/, '')}`, `${moduleName}.mjs`);
}

/**
 * Makes `@aws-sdk/*` importable from the bundles, as the Lambda runtime makes it importable from
 * /var/runtime: only the SDK, nothing else the bundle may have left out.
 */
function provideRuntimeSdk(synth: Synthesized): void {
  mkdirSync(join(synth.outdir, 'node_modules'), { recursive: true });
  symlinkSync(
    join(REPO_ROOT, 'node_modules', '@aws-sdk'),
    join(synth.outdir, 'node_modules', '@aws-sdk'),
  );
}

beforeAll(() => {
  global = synthesize({ bundle: true });
  china = synthesize({ bundle: true, region: 'cn-north-1' });
  provideRuntimeSdk(global);
}, BUNDLING_TIMEOUT_MS);

describe('cdk synth with bundling', () => {
  it.each(HANDLERS)('ships %s as one minified ESM file with its source map', (handler) => {
    const file = bundleFor(global, handler);
    expect(existsSync(file), file).toBe(true);
    expect(existsSync(`${file}.map`)).toBe(true);
    const code = readFileSync(file, 'utf8');
    expect(code.startsWith(ESM_REQUIRE_BANNER)).toBe(true);
    expect(code).toMatch(/export\s*\{[^}]*\bas handler\b[^}]*\}|export\s*\{\s*\w+ as handler/);
    // Minified: lines average thousands of characters.
    expect(code.length / code.split('\n').length).toBeGreaterThan(1000);
  });

  it.each(HANDLERS)(
    'bundles every dependency of %s but the AWS SDK, which the runtime provides',
    (handler) => {
      const code = readFileSync(bundleFor(global, handler), 'utf8');
      // `[require("x")]` inside brackets is the SDK's error-message text that tells users how to
      // load the optional SigV4a signers, not a call; those signers are never used here.
      const specifiers = [
        ...code.matchAll(/(?<!\[)\bimport\s*(?:[\w$*{}\s,]+\s*from\s*)?["']([^"']+)["']/g),
        ...code.matchAll(/(?<!\[)\b(?:require|import)\(\s*["']([^"']+)["']\s*\)/g),
      ].map((m) => m[1] as string);
      expect(specifiers).toContain('node:module');
      const builtins = new Set(builtinModules);
      const external = specifiers.filter(
        (s) => !s.startsWith('node:') && !builtins.has(s) && !s.startsWith('@aws-sdk/'),
      );
      expect(external).toEqual([]);
      expect(specifiers.some((s) => s.startsWith('@aws-sdk/'))).toBe(true);
      // Well inside the per-function budget of docs/benchmarks.md.
      expect(statSync(bundleFor(global, handler)).size).toBeLessThan(250 * 1024);
    },
  );

  it('produces the same bundles for the China regions', () => {
    for (const handler of HANDLERS) {
      const cn = bundleFor(china, handler);
      expect(existsSync(cn), cn).toBe(true);
      expect(statSync(cn).size).toBe(statSync(bundleFor(global, handler)).size);
      expect(cn.split('/').at(-2)).toBe(bundleFor(global, handler).split('/').at(-2));
    }
  });

  it('deploys those assets from the template in both partitions', () => {
    for (const synth of [global, china]) {
      // Ours, each from a code asset; CDK's own singletons (the bucket-notifications handler)
      // carry their code inline.
      const functions = resourcesOf(synth.json, 'AWS::Lambda::Function').filter(
        ([, fn]) => fn.Properties.Code?.S3Key !== undefined,
      );
      expect(functions).toHaveLength(HANDLERS.length + BUCKET_HANDLERS.length);
      for (const [, fn] of functions) {
        const dir = join(
          synth.outdir,
          `asset.${String(fn.Properties.Code.S3Key).replace(/\.zip$/, '')}`,
        );
        expect(existsSync(join(dir, 'index.mjs')), dir).toBe(true);
        expect(referencedId(fn.Properties.Role)).toMatch(/Role/);
      }
    }
  });
});

describe('the bundled handlers, over real WebSockets', () => {
  let stack: LocalStack;
  let secrets: SecretsManagerStandIn;
  const open: ChatTestClient[] = [];

  beforeAll(async () => {
    // Served from this map at request time; the WeChat app secret is filled in below.
    const stored: Record<string, string> = { [JWT_ID]: randomBytes(48).toString('base64url') };
    secrets = await startSecretsManagerStandIn(stored);
    stack = await startTestStack({
      // The S3-event bundle carries sharp's native build for the Lambda CPU (linux-arm64), which
      // cannot load here; that function runs from its sources, the others from their bundles.
      resolveHandler: (handler) =>
        BUCKET_HANDLERS.includes(handler)
          ? sourceHandlerUrl(handler)
          : pathToFileURL(bundleFor(global, handler)).href,
      // As on AWS: the functions get secret ids and fetch the values from Secrets Manager.
      env: {
        JWT_SECRET_ID: JWT_ID,
        WECHAT_SECRET_ID: WECHAT_ID,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      },
    });
    // The app secret the local WeChat stand-in checks moves into "Secrets Manager", and nothing
    // is left to fall back on: a bundle that ignored the ids would fail to log anyone in.
    stored[WECHAT_ID] = process.env.WECHAT_SECRET ?? '';
    expect(stored[WECHAT_ID]).not.toBe('');
    delete process.env.JWT_SECRET;
    delete process.env.WECHAT_SECRET;
  }, BUNDLING_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all(open.map((c) => c.close()));
    await stack?.stop();
    await secrets?.stop();
  });

  async function client(name: string): Promise<ChatTestClient> {
    const c = await connectAs(stack, name);
    open.push(c);
    return c;
  }

  async function connectionsOf(userId: string): Promise<unknown[]> {
    const db = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' }),
    );
    try {
      const { Items } = await db.send(
        new QueryCommand({
          TableName: stack.tables.connections,
          IndexName: INDEX.connectionsByUser,
          KeyConditionExpression: 'userId = :u',
          ExpressionAttributeValues: { ':u': userId },
        }),
      );
      return Items ?? [];
    } finally {
      db.destroy();
    }
  }

  it('logs in, connects, sends, delivers and disconnects', async () => {
    // Prepare: bundled login issues tokens, bundled $connect accepts them.
    const admin = await client('admin');
    const student = await client('bundle-student');
    expect(await connectionsOf('bundle-student')).toHaveLength(1);

    // Act: bundled sendmessage stores the message and posts it through @connections.
    const id = nextId('m');
    const ack = await student.request({
      action: 'sendmessage',
      id,
      conversationId: 'support:bundle-student',
      text: 'Is the quiet room open?',
    });
    const delivered = await admin.next(
      (f) => f.type === 'message' && (f.message as Frame).clientId === id,
    );
    // Bundled $disconnect removes the connection and tells the desk.
    await student.close();
    const offline = await admin.next(
      (f) => f.type === 'presence' && f.userId === 'bundle-student' && f.event === 'offline',
    );

    // Assess
    expect(ack).toMatchObject({
      type: 'ack',
      id,
      message: { conversationId: 'support:bundle-student', seq: 1, senderId: 'bundle-student' },
    });
    expect(delivered.message).toEqual(ack.message);
    expect(offline).toMatchObject({ conversationId: 'support:bundle-student', event: 'offline' });
    expect(await connectionsOf('bundle-student')).toEqual([]);
  });

  it('fetched each secret from Secrets Manager once per function, not per request', () => {
    // login (JWT + WeChat), $connect (JWT) and sendmessage (WeChat: msgSecCheck's access token)
    // each fetched on first use and kept the value, across two logins, two connects and sends.
    expect(secrets.requests.filter((id) => id === WECHAT_ID)).toHaveLength(2);
    expect(secrets.requests.filter((id) => id === JWT_ID)).toHaveLength(2);
    expect(secrets.requests.every((id) => id === JWT_ID || id === WECHAT_ID)).toBe(true);
  });

  it('answers an unknown action from the bundled $default handler', async () => {
    const admin = open[0] as ChatTestClient;
    const reply = await admin.request({ action: 'dance' });
    expect(reply).toMatchObject({ type: 'error', code: 'UNKNOWN_ACTION' });
  });
});
