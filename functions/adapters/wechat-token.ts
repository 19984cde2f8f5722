/**
 * The WeChat access token every function shares, from `getStableAccessToken`
 * (`POST {base}/cgi-bin/stable_token`,
 * https://developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-access-token/getStableAccessToken.html).
 *
 * Why a table and not a per-process cache: the token endpoint has a daily quota per account, and a
 * Lambda fleet cold-starts all day; one fetch per expiry for the whole account is the goal. The
 * token lives in the `wechatTokens` table (functions/tables.ts), one item per appid; each process
 * also keeps it in memory until its refresh time, so a warm function reads the table once per
 * token, not once per call.
 *
 * Refresh: WeChat's normal mode hands out a new token during the last 5 minutes of the old one
 * (both stay valid meanwhile) and the same token before that. So the refresh time is
 * `expiresAt - marginMs` with a margin under 5 minutes (default 4): a normal-mode call then gets
 * the new token. A margin over 5 minutes would get the old token back and fetch again on every
 * call. One instance refreshes at a time: it takes a lease (a conditional write on the item);
 * the others keep using the old token, which is still valid, or wait briefly for the new one when
 * there is none.
 *
 * A token WeChat refuses (40001/40014/42001, see wechat-api.ts) is refreshed through `refresh`:
 * when another instance already stored a different token, that one is used; otherwise a
 * normal-mode call, and only if WeChat hands the refused token back, one `force_refresh: true`
 * (limited to 20 a day and one per 30 s, so never in a loop).
 */
import { randomUUID } from 'node:crypto';
import { reasonForErrcode, WeChatApiError } from './wechat-errors';

/** A token as stored: the value and when it expires and should be replaced (epoch ms). */
export interface TokenRecord {
  readonly accessToken: string;
  readonly expiresAt: number;
  readonly refreshAt: number;
}

/** The shared storage of the token (DynamoDB in production: wechat-token-table.ts). */
export interface TokenStore {
  /** The stored token, read consistently. */
  read(): Promise<TokenRecord | undefined>;
  /** Takes the refresh lease until `until` unless another owner holds one past `now`. */
  tryLease(owner: string, until: number, now: number): Promise<boolean>;
  /** Stores a token and drops the lease, if `owner` still holds it; false when it lost it. */
  save(record: TokenRecord, owner: string): Promise<boolean>;
  /** Drops `owner`'s lease (after a failed fetch), so the next caller may try at once. */
  release(owner: string): Promise<void>;
}

/** Where tokens come from: `/cgi-bin/stable_token`. */
export interface StableTokenSource {
  fetch(forceRefresh: boolean): Promise<{ accessToken: string; expiresInSeconds: number }>;
}

/** What every WeChat API call asks for a token. */
export interface AccessTokenProvider {
  /** A token valid now (cached in memory, then in the table, then fetched). */
  token(): Promise<string>;
  /** A token other than `rejected`, which WeChat just refused. */
  refresh(rejected: string): Promise<string>;
}

export interface TokenServiceOptions {
  readonly store: TokenStore;
  readonly source: StableTokenSource;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Refresh this long before expiry; under WeChat's 5-minute handover. Default 4 min. */
  readonly marginMs?: number;
  /** How long a refresh lease holds (past any fetch's timeout). Default 10 s. */
  readonly leaseMs?: number;
  /** Waiting for another instance's refresh: polls this often, this many times. */
  readonly pollMs?: number;
  readonly polls?: number;
  readonly owner?: string;
}

/** WeChat's normal mode replaces a token only during its last 5 minutes. */
export const WECHAT_HANDOVER_MS = 5 * 60 * 1000;
/** A token is never reused for less than this, whatever expires_in says (no refresh loop). */
const MIN_REUSE_MS = 30 * 1000;

/** A token service over `store` and `source`; see the file comment. */
export function createTokenService(options: TokenServiceOptions): AccessTokenProvider {
  const { store, source } = options;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  const marginMs = Math.min(options.marginMs ?? 4 * 60 * 1000, WECHAT_HANDOVER_MS - 1000);
  const leaseMs = options.leaseMs ?? 10_000;
  const pollMs = options.pollMs ?? 200;
  const polls = options.polls ?? 25;
  const owner = options.owner ?? randomUUID();
  let memory: TokenRecord | undefined;
  let renewing: Promise<string> | undefined;

  const fresh = (record: TokenRecord | undefined, t: number, rejected?: string) =>
    record !== undefined && record.accessToken !== rejected && t < record.refreshAt;
  const usable = (record: TokenRecord | undefined, t: number, rejected?: string) =>
    record !== undefined && record.accessToken !== rejected && t < record.expiresAt;

  async function renew(stored: TokenRecord | undefined, rejected?: string): Promise<string> {
    let current = stored;
    for (let poll = 0; ; poll++) {
      const t = now();
      if (await store.tryLease(owner, t + leaseMs, t)) {
        let record: TokenRecord;
        try {
          // Double-checked: another owner may have saved between our read and our lease.
          const latest = await store.read();
          if (fresh(latest, now(), rejected)) {
            await store.release(owner);
            memory = latest;
            return (latest as TokenRecord).accessToken;
          }
          let fetched = await source.fetch(false);
          if (rejected !== undefined && fetched.accessToken === rejected) {
            fetched = await source.fetch(true);
          }
          const fetchedAt = now();
          const expiresAt = fetchedAt + fetched.expiresInSeconds * 1000;
          record = {
            accessToken: fetched.accessToken,
            expiresAt,
            refreshAt: Math.max(fetchedAt + MIN_REUSE_MS, expiresAt - marginMs),
          };
        } catch (error) {
          await store.release(owner).catch(() => undefined);
          throw error;
        }
        // Lost the lease (a fetch slower than leaseMs): the token is still good for this call,
        // but the table keeps what the newer owner wrote.
        await store.save(record, owner);
        memory = record;
        return record.accessToken;
      }
      // Another instance is refreshing. Its predecessor is still valid inside the margin.
      if (usable(current, t, rejected)) return (current as TokenRecord).accessToken;
      if (poll >= polls) throw new WeChatApiError('unavailable', 'cgi-bin/stable_token');
      await sleep(pollMs);
      current = await store.read();
      if (fresh(current, now(), rejected)) {
        memory = current;
        return (current as TokenRecord).accessToken;
      }
    }
  }

  /** One renewal per process at a time: concurrent callers share it. */
  function renewOnce(stored: TokenRecord | undefined, rejected?: string): Promise<string> {
    renewing ??= renew(stored, rejected).finally(() => {
      renewing = undefined;
    });
    return renewing;
  }

  return {
    async token() {
      if (fresh(memory, now())) return (memory as TokenRecord).accessToken;
      if (renewing) return renewing;
      const stored = await store.read();
      if (fresh(stored, now())) {
        memory = stored;
        return (stored as TokenRecord).accessToken;
      }
      return renewOnce(stored);
    },
    async refresh(rejected) {
      if (memory?.accessToken === rejected) memory = undefined;
      if (renewing) {
        const next = await renewing;
        if (next !== rejected) return next;
      }
      const stored = await store.read();
      if (usable(stored, now(), rejected)) {
        memory = stored;
        return (stored as TokenRecord).accessToken;
      }
      return renewOnce(stored, rejected);
    },
  };
}

/** `/cgi-bin/stable_token` for one app; the secret is read on each fetch (cached by secrets.ts). */
export function createStableTokenSource(options: {
  readonly baseUrl: string;
  readonly appId: string;
  readonly appSecret: () => Promise<string>;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}): StableTokenSource {
  const doFetch = options.fetch ?? fetch;
  const api = 'cgi-bin/stable_token';
  return {
    async fetch(forceRefresh) {
      const secret = await options.appSecret();
      let body: { access_token?: unknown; expires_in?: unknown; errcode?: unknown };
      try {
        const response = await doFetch(apiUrl(options.baseUrl, api), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            grant_type: 'client_credential',
            appid: options.appId,
            secret,
            force_refresh: forceRefresh,
          }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        body = JSON.parse(await response.text()) as typeof body;
      } catch (error) {
        throw new WeChatApiError('unavailable', api, undefined, { cause: error });
      }
      const errcode = typeof body.errcode === 'number' ? body.errcode : 0;
      if (
        errcode === 0 &&
        typeof body.access_token === 'string' &&
        body.access_token.length > 0 &&
        typeof body.expires_in === 'number' &&
        body.expires_in > 0
      ) {
        return { accessToken: body.access_token, expiresInSeconds: body.expires_in };
      }
      const reason = errcode === 0 ? 'unavailable' : reasonForErrcode(errcode);
      // A token error on the token endpoint itself is not a token problem of ours.
      throw new WeChatApiError(reason === 'tokenInvalid' ? 'rejected' : reason, api, errcode);
    },
  };
}

/** `{base}/{path}`, whether or not the base ends with a slash. */
export function apiUrl(baseUrl: string, path: string): URL {
  return new URL(path, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}
