/**
 * How the local stack starts and stops, and what it exposes: a relative data directory works, a
 * taken port fails before anything is started (no orphaned DynamoDB Local), DynamoDB Local listens
 * on loopback only, and the @connections API verifies SigV4 signatures as API Gateway does.
 * `scripts/smoke-start.ts` (`npm run test:start`, run by CI) covers the real `npm start` command.
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  ApiGatewayManagementApiClient,
  GetConnectionCommand,
} from '@aws-sdk/client-apigatewaymanagementapi';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type RunningDynamoDb } from './dynamodb-local';
import { NodeSha256 } from './gateway/sigv4-verifier';
import { type LocalStack, PortInUseError, startLocalStack } from './local-stack';
import { startTestStack } from '../test/support/test-stack';

/** Local addresses (hex, as in /proc/net/tcp*) that listen on `port`. */
function listenAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state === '0A' && local?.endsWith(`:${hexPort}`)) found.push(local.split(':')[0]!);
    }
  }
  return found;
}

const LOOPBACK_V4 = '0100007F';
const LOOPBACK_V4_MAPPED = '0000000000000000FFFF00000100007F';
const LOOPBACK_V6 = '00000000000000000000000001000000';

/** DynamoDB Local processes whose database lives under `dir`. */
function dynamoDbLocalsUnder(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.some((arg) => arg.startsWith(dir)) && args.some((a) => a.includes('DynamoDBLocal')))
        pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

describe('DynamoDB Local', () => {
  let dynamodb: RunningDynamoDb;
  let scratch: string;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'campus-chat-ddb-'));
    // Relative, as `DATA_DIR=.data` is: DynamoDB Local's Java process must still find it.
    dynamodb = await startDynamoDbLocal({ dataDir: relative(process.cwd(), join(scratch, 'db')) });
  });
  afterAll(async () => {
    await dynamodb?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('keeps its files in a directory given relative to the current one', () => {
    expect(readdirSync(join(scratch, 'db'))).toContain('shared-local-instance.db');
  });

  it('listens on loopback only, never on every interface', () => {
    const addresses = listenAddresses(Number(new URL(dynamodb.endpoint).port));
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses) {
      expect([LOOPBACK_V4, LOOPBACK_V4_MAPPED, LOOPBACK_V6]).toContain(address);
    }
  });
});

describe('a taken port', () => {
  let blocker: Server;
  let port: number;
  let scratch: string;
  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'campus-chat-port-'));
    blocker = createServer();
    await new Promise<void>((done) => blocker.listen(0, '127.0.0.1', done));
    port = (blocker.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((done) => blocker.close(done));
    rmSync(scratch, { recursive: true, force: true });
  });

  it('fails with a clear message and starts no DynamoDB Local', async () => {
    const start = startLocalStack({ port, dataDir: scratch, console: false });
    await expect(start).rejects.toThrow(PortInUseError);
    await expect(start).rejects.toThrow(`port ${port} is in use; set PORT`);
    expect(dynamoDbLocalsUnder(scratch)).toEqual([]);
  });
});

describe('the @connections API', () => {
  let stack: LocalStack;
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  beforeAll(async () => {
    stack = await startTestStack({ console: false });
  });
  afterAll(() => stack?.stop());

  /** A request to the management API for `connectionId`, signed (or not) as given. */
  async function call(
    connectionId: string,
    sign: { accessKeyId: string; secretAccessKey: string } | undefined,
    options: { body?: string; tamper?: string; signedAt?: Date } = {},
  ): Promise<{ status: number; type: string | null }> {
    const url = new URL(`${stack.urls.connections}/${connectionId}`);
    const method = options.body === undefined ? 'GET' : 'POST';
    let headers: Record<string, string> = { host: url.host };
    if (sign) {
      const signer = new SignatureV4({
        credentials: sign,
        region: 'us-east-1',
        service: 'execute-api',
        sha256: NodeSha256,
      });
      const signed = await signer.sign(
        {
          method,
          protocol: 'http:',
          hostname: url.hostname,
          port: Number(url.port),
          path: url.pathname,
          query: {},
          headers,
          body: options.body,
        },
        options.signedAt ? { signingDate: options.signedAt } : {},
      );
      headers = signed.headers as Record<string, string>;
    }
    const response = await fetch(url, {
      method,
      headers,
      body: options.tamper ?? options.body,
    });
    return { status: response.status, type: response.headers.get('x-amzn-errortype') };
  }

  it('answers a request signed with the local credentials (410 for an unknown connection)', async () => {
    expect(await call('nobody', credentials)).toEqual({ status: 410, type: 'GoneException' });
    const sdk = new ApiGatewayManagementApiClient({
      endpoint: `${stack.urls.http}/local`,
      region: 'us-east-1',
      credentials,
    });
    await expect(sdk.send(new GetConnectionCommand({ ConnectionId: 'nobody' }))).rejects.toThrow(
      expect.objectContaining({ name: 'GoneException' }),
    );
    sdk.destroy();
  });

  it('refuses an unsigned request, as AWS does', async () => {
    expect(await call('nobody', undefined)).toEqual({
      status: 403,
      type: 'ForbiddenException',
    });
  });

  it('refuses a header that only looks like a signature', async () => {
    const response = await fetch(`${stack.urls.connections}/nobody`, {
      headers: { authorization: 'AWS4-HMAC-SHA256 anything' },
    });
    expect(response.status).toBe(403);
  });

  it('refuses a signature made with another secret', async () => {
    expect(await call('nobody', { accessKeyId: 'local', secretAccessKey: 'guess' })).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
    });
  });

  it('refuses another access key', async () => {
    expect((await call('nobody', { accessKeyId: 'other', secretAccessKey: 'local' })).status).toBe(
      403,
    );
  });

  it('refuses a body changed after signing', async () => {
    const result = await call('nobody', credentials, { body: '{"a":1}', tamper: '{"a":2}' });
    expect(result).toEqual({ status: 403, type: 'InvalidSignatureException' });
  });

  it('refuses a signature older than 15 minutes', async () => {
    const old = new Date(Date.now() - 20 * 60 * 1000);
    expect(await call('nobody', credentials, { signedAt: old })).toEqual({
      status: 403,
      type: 'InvalidSignatureException',
    });
  });
});
