/**
 * Identity: POST /login through the local HTTP API and WeChat stand-in, and the $connect check of
 * tokens of every broken kind. Tokens are forged here with the stack's own secret where the test
 * needs a token that is valid in all but one respect.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { ChatTestClient, HandshakeRefused, login } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
const logged: string[] = [];
let restoreStdout: () => void;

beforeAll(async () => {
  // Capture every log line the handlers write, to check no token ever appears in one.
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
    logged.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString());
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
  restoreStdout = () => {
    process.stdout.write = write;
  };
  stack = await startTestStack({ env: { LOG_LEVEL: 'DEBUG' } });
});

afterAll(async () => {
  restoreStdout();
  await stack.stop();
});

async function postLogin(body: string): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(stack.urls.login, { method: 'POST', body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function secret(): Uint8Array {
  return new TextEncoder().encode(process.env.JWT_SECRET);
}

async function token(
  claims: Record<string, unknown>,
  options: { exp?: number; nbf?: number; key?: Uint8Array } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ name: 'x', role: 'student', ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer('campus-chat')
    .setAudience('campus-chat')
    .setIssuedAt(now)
    .setNotBefore(options.nbf ?? now)
    .setExpirationTime(options.exp ?? now + 600)
    .sign(options.key ?? secret());
}

async function refusal(tokenValue: string): Promise<number> {
  try {
    const client = await ChatTestClient.connect(
      `${stack.urls.websocket}?token=${encodeURIComponent(tokenValue)}`,
    );
    await client.close();
    return 101;
  } catch (error) {
    if (error instanceof HandshakeRefused) return error.status;
    throw error;
  }
}

describe('POST /login', () => {
  it('logs a student in with a dev code and issues a token for the connection', async () => {
    const { status, json } = await postLogin(
      JSON.stringify({ code: 'dev-jana', name: '  Jana Novak ' }),
    );
    const client = await ChatTestClient.connect(`${stack.urls.websocket}?token=${json.token}`);
    const list = await client.request({ action: 'conversations' });
    await client.close();

    expect(status).toBe(200);
    expect(json.user).toEqual({ id: 'jana', name: 'Jana Novak', role: 'student' });
    expect(Date.parse(json.expiresAt as string)).toBeGreaterThan(Date.now());
    expect(list.conversations).toEqual([
      expect.objectContaining({ id: 'support:jana', kind: 'support' }),
    ]);
  });

  it('gives the admin role to users listed in ADMINS only', async () => {
    const admin = await login(stack, 'admin2');
    const student = await login(stack, 'administrator');

    expect(admin.user.role).toBe('admin');
    expect(student.user.role).toBe('student');
  });

  it('keeps the previous display name when none is given', async () => {
    await login(stack, 'kim', 'Kim Lee');
    const again = await login(stack, 'kim');

    expect(again.user.name).toBe('Kim Lee');
  });

  it('answers bad requests with 400/401 and a JSON error, never 500', async () => {
    const cases = await Promise.all([
      postLogin('{"code":"not-a-dev-code"}'),
      postLogin('{"code":""}'),
      postLogin('{"name":"no code"}'),
      postLogin('{"code": 42}'),
      postLogin('this is not json'),
      postLogin(''),
    ]);
    const wrongMethod = await fetch(stack.urls.login);

    expect(cases.map((c) => [c.status, (c.json.error as { code: string }).code])).toEqual([
      [401, 'INVALID_CODE'],
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
      [400, 'BAD_REQUEST'],
    ]);
    expect(wrongMethod.status).toBe(404);
  });
});

describe('$connect token checks', () => {
  it('refuses expired, not-yet-valid, tampered, unsigned, foreign-key and wrong-audience tokens', async () => {
    await login(stack, 'lou');
    const now = Math.floor(Date.now() / 1000);
    const valid = await token({ sub: 'lou' });
    const [header, payload] = valid.split('.');
    const tampered = `${header}.${Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload as string, 'base64url').toString()),
        sub: 'admin',
        role: 'admin',
      }),
    ).toString('base64url')}.${valid.split('.')[2]}`;
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
    const wrongAudience = await new SignJWT({ name: 'x', role: 'student' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('lou')
      .setIssuer('campus-chat')
      .setAudience('someone-else')
      .setExpirationTime(now + 600)
      .sign(secret());

    const statuses = {
      valid: await refusal(valid),
      expired: await refusal(await token({ sub: 'lou' }, { exp: now - 60 })),
      notYetValid: await refusal(await token({ sub: 'lou' }, { nbf: now + 600 })),
      tampered: await refusal(tampered),
      algNone: await refusal(unsigned),
      otherKey: await refusal(
        await token({ sub: 'lou' }, { key: new TextEncoder().encode('k'.repeat(48)) }),
      ),
      wrongAudience: await refusal(wrongAudience),
      unknownUser: await refusal(await token({ sub: 'never-logged-in' })),
    };

    expect(statuses).toEqual({
      valid: 101,
      expired: 401,
      notYetValid: 401,
      tampered: 401,
      algNone: 401,
      otherKey: 401,
      wrongAudience: 401,
      unknownUser: 401,
    });
  });

  it('refuses a blocked user with 403 even with a valid token', async () => {
    const { token: issued } = await login(stack, 'mallory');
    const db = new DynamoDBClient({ endpoint: stack.dynamodbEndpoint });
    await db.send(
      new UpdateItemCommand({
        TableName: stack.tables.users,
        Key: { userId: { S: 'mallory' } },
        UpdateExpression: 'SET blocked = :yes',
        ExpressionAttributeValues: { ':yes': { BOOL: true } },
      }),
    );
    db.destroy();

    const status = await refusal(issued);
    const relogin = await postLogin('{"code":"dev-mallory"}');

    expect(status).toBe(403);
    expect(relogin.status).toBe(403);
  });

  it('takes identity from the token, never from a frame', async () => {
    const { token: issued } = await login(stack, 'nico');
    const client = await ChatTestClient.connect(`${stack.urls.websocket}?token=${issued}`);

    const ack = await client.request({
      action: 'sendmessage',
      conversationId: 'support:nico',
      text: 'who am I?',
      senderId: 'admin',
      senderRole: 'admin',
      role: 'admin',
    });
    const room = await client.request({ action: 'createroom', title: 'Sneaky', role: 'admin' });
    await client.close();

    expect(ack.message).toMatchObject({ senderId: 'nico', senderRole: 'student' });
    expect(room).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
  });

  it('never writes a token to a log line', async () => {
    const { token: issued } = await login(stack, 'olive');
    const client = await ChatTestClient.connect(`${stack.urls.websocket}?token=${issued}`);
    await client.request({ action: 'sendmessage', conversationId: 'support:olive', text: 'hi' });
    await client.close();
    await refusal(`${issued}x`);

    const output = logged.join('');
    expect(output).toContain('"level":"INFO"');
    expect(output).not.toContain(issued.split('.')[2]);
    expect(output).not.toContain(issued.split('.')[1]);
  });
});
