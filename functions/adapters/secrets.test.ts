/**
 * readSecret through the real Secrets Manager client against a loopback stand-in of the service
 * (AWS itself cannot be reached from the tests), and the local environment fallback.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type SecretsManagerStandIn,
  startSecretsManagerStandIn,
} from '../../test/support/secrets-manager-stand-in';
import { readSecret, secretIdVariable } from './secrets';

let standIn: SecretsManagerStandIn;
const saved = { ...process.env };

beforeAll(async () => {
  standIn = await startSecretsManagerStandIn({
    'campus-chat/jwt-a': 'a-signing-key-that-is-long-enough-0123456789',
    'campus-chat/jwt-b': 'another-signing-key-long-enough-0123456789\n',
    'campus-chat/wechat-c': 'wechat-app-secret',
    'campus-chat/empty': '   ',
  });
  process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = standIn.endpoint;
  process.env.AWS_REGION = 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID = 'local';
  process.env.AWS_SECRET_ACCESS_KEY = 'local';
});

afterEach(() => {
  for (const name of ['JWT_SECRET', 'JWT_SECRET_ID', 'WECHAT_SECRET', 'WECHAT_SECRET_ID']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

afterAll(async () => {
  await standIn.stop();
});

describe('readSecret', () => {
  it('names the id variable after the secret', () => {
    expect(secretIdVariable('JWT_SECRET')).toBe('JWT_SECRET_ID');
    expect(secretIdVariable('WECHAT_SECRET')).toBe('WECHAT_SECRET_ID');
  });

  it('fetches from Secrets Manager once and serves later reads from the cache', async () => {
    // Prepare
    process.env.JWT_SECRET_ID = 'campus-chat/jwt-a';
    process.env.JWT_SECRET = 'a-local-value-that-must-not-win';
    const before = standIn.requests.length;

    // Act
    const values = await Promise.all([readSecret('JWT_SECRET'), readSecret('JWT_SECRET')]);
    const again = await readSecret('JWT_SECRET');

    // Assess
    expect(values).toEqual([
      'a-signing-key-that-is-long-enough-0123456789',
      'a-signing-key-that-is-long-enough-0123456789',
    ]);
    expect(again).toBe('a-signing-key-that-is-long-enough-0123456789');
    expect(standIn.requests.slice(before)).toEqual(['campus-chat/jwt-a']);
  });

  it('trims the trailing newline an operator may store with the value', async () => {
    process.env.JWT_SECRET_ID = 'campus-chat/jwt-b';
    await expect(readSecret('JWT_SECRET')).resolves.toBe(
      'another-signing-key-long-enough-0123456789',
    );
  });

  it('does not cache a failed fetch: the next read tries again', async () => {
    // Prepare: every attempt the SDK makes for the first read fails.
    process.env.WECHAT_SECRET_ID = 'campus-chat/wechat-c';
    standIn.failNext(3);
    const before = standIn.requests.length;

    // Act
    const first = readSecret('WECHAT_SECRET');
    await expect(first).rejects.toThrow(
      /secret campus-chat\/wechat-c could not be read: InternalServiceError \(HTTP 500\)/,
    );
    const second = await readSecret('WECHAT_SECRET');

    // Assess
    expect(second).toBe('wechat-app-secret');
    expect(standIn.requests.length - before).toBe(4);
  });

  it('reports a secret that does not exist by the service error name, without a value', async () => {
    process.env.WECHAT_SECRET_ID = 'campus-chat/missing';
    await expect(readSecret('WECHAT_SECRET')).rejects.toThrow(
      'secret campus-chat/missing could not be read: ResourceNotFoundException (HTTP 400)',
    );
  });

  it('refuses a blank secret', async () => {
    process.env.JWT_SECRET_ID = 'campus-chat/empty';
    await expect(readSecret('JWT_SECRET')).rejects.toThrow(
      'secret campus-chat/empty has no string value',
    );
  });

  it('reads the environment when no secret id is set (the local stack)', async () => {
    process.env.JWT_SECRET = 'local-signing-key';
    const before = standIn.requests.length;
    await expect(readSecret('JWT_SECRET')).resolves.toBe('local-signing-key');
    expect(standIn.requests.length).toBe(before);
  });

  it('rejects when neither the id nor the value is configured', async () => {
    delete process.env.WECHAT_SECRET;
    delete process.env.WECHAT_SECRET_ID;
    await expect(readSecret('WECHAT_SECRET')).rejects.toThrow('WECHAT_SECRET is not configured');
  });
});
