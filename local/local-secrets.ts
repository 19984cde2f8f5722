/**
 * The local stack's secrets: a token signing key generated on first start and kept under the data
 * directory (never in the repository), so tokens stay valid across restarts.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The signing secret stored in `dataDir`, created (mode 0600) when absent. */
export function localSigningSecret(dataDir: string): string {
  return storedSecret(dataDir, 'jwt-secret');
}

/**
 * The message-push Token the local WeChat stand-in signs its pushes with (WECHAT_PUSH_TOKEN),
 * stored in `dataDir` like the signing secret.
 */
export function localPushToken(dataDir: string): string {
  return storedSecret(dataDir, 'wechat-push-token');
}

function storedSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** A fresh random secret, for a stack that keeps nothing on disk (tests). */
export function ephemeralSecret(): string {
  return randomBytes(48).toString('base64url');
}
