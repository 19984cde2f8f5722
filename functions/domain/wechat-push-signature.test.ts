import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isWechatPush, pushSignature } from './wechat-push-signature';

const TOKEN = 'AAAAA';
const NOW = 1_714_036_504_000;

describe('WeChat message push signature', () => {
  it('is the SHA-1 of token, timestamp and nonce sorted and joined', () => {
    // The documented example's parameters: sorted they read "15147114921714036504AAAAA".
    const expected = createHash('sha1').update('15147114921714036504AAAAA').digest('hex');
    expect(pushSignature(TOKEN, '1714036504', '1514711492')).toBe(expected);
  });

  it('accepts a signed push and refuses a tampered, unsigned or stale one', () => {
    const signature = pushSignature(TOKEN, '1714036504', '1514711492');
    const push = { signature, timestamp: '1714036504', nonce: '1514711492' };
    expect(isWechatPush(push, TOKEN, NOW)).toBe(true);
    expect(isWechatPush({ ...push, nonce: '1514711493' }, TOKEN, NOW)).toBe(false);
    expect(isWechatPush(push, 'another-token', NOW)).toBe(false);
    expect(isWechatPush({ timestamp: push.timestamp, nonce: push.nonce }, TOKEN, NOW)).toBe(false);
    expect(isWechatPush({ ...push, timestamp: 'x' }, TOKEN, NOW)).toBe(false);
    expect(isWechatPush(push, TOKEN, NOW + 301_000)).toBe(false);
    expect(isWechatPush({ ...push, signature: signature.slice(1) }, TOKEN, NOW)).toBe(false);
  });
});
