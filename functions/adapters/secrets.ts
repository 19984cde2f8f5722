/**
 * Secrets the handlers need (the token signing key, WeChat's app secret). Locally they come from
 * the environment, written by the local stack from `.data/`. Loaded lazily on first use, never at
 * module top level, so a bundle never depends on top-level await.
 */

/** The secret named `name` from the environment; throws when it is not configured. */
export async function readSecret(name: 'JWT_SECRET' | 'WECHAT_SECRET'): Promise<string> {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not configured`);
  return value;
}
