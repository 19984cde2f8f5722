/**
 * API Gateway's throttling of a WebSocket API, as the local gateway applies it: the account's quota
 * of new connections per second (500 by default, across all WebSocket APIs of a region: the quotas
 * page, apigateway-execution-service-websocket-limits-table.html) and the stage's throttling
 * (rate and burst, the stack's `throttleRateLimit`/`throttleBurstLimit`), which counts connects and
 * messages together. Both are token buckets, as API Gateway documents its throttling
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html).
 * Over a limit, a handshake is refused with 429 and a message is answered with
 * `{"message":"Too Many Requests",…}` instead of reaching its route.
 */

export interface ThrottleLimits {
  /** Tokens per second. */
  readonly rateLimit: number;
  /** Bucket size: how many may come at once. */
  readonly burstLimit: number;
}

export interface GatewayThrottleSettings {
  /** The account's new-connection quota; default ACCOUNT_NEW_CONNECTIONS. */
  readonly newConnections?: ThrottleLimits;
  /** Stage throttling of connects and messages together; absent: none (as locally by default). */
  readonly stage?: ThrottleLimits;
}

/** API Gateway's default quota: 500 new connections per second per account and region. */
export const ACCOUNT_NEW_CONNECTIONS: ThrottleLimits = { rateLimit: 500, burstLimit: 500 };

class Bucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly limits: ThrottleLimits,
    now: number,
  ) {
    this.tokens = limits.burstLimit;
    this.at = now;
  }

  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.at) / 1000;
    this.tokens = Math.min(this.limits.burstLimit, this.tokens + elapsed * this.limits.rateLimit);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** The buckets of one gateway (one stage of one API, in an account of its own). */
export class GatewayThrottle {
  private readonly account: Bucket;
  private readonly stage: Bucket | undefined;

  constructor(settings: GatewayThrottleSettings = {}, now = Date.now()) {
    this.account = new Bucket(settings.newConnections ?? ACCOUNT_NEW_CONNECTIONS, now);
    this.stage = settings.stage ? new Bucket(settings.stage, now) : undefined;
  }

  /** Whether a new connection may go on to $connect (it takes from both buckets). */
  admitConnection(now = Date.now()): boolean {
    return this.account.take(now) && (this.stage?.take(now) ?? true);
  }

  /** Whether a message may go on to its route. */
  admitMessage(now = Date.now()): boolean {
    return this.stage?.take(now) ?? true;
  }
}
