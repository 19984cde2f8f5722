/**
 * Runtime configuration of the handlers, read once from the environment at module load. The CDK
 * stack and the local stack set these variables; README.md lists them.
 */
import type { ChatConfig } from './domain/chat-context';
import type { NotifyConfig } from './domain/notify';
import { fieldType } from './domain/subscribe-fields';
import { resolveTableNames, type TableId } from './tables';
import { type BucketId, resolveBucketNames } from './buckets';
import { type DeskHoursRule, parseDeskHours } from '../protocol/desk-hours';
import { MAX_SLICE_SIZE } from './domain/fan-out-split';
import { FAN_OUT_WORKER } from './workers';

export interface RuntimeConfig {
  readonly tables: Record<TableId, string>;
  readonly chat: ChatConfig;
  /** User ids that get the admin role at login. */
  readonly admins: ReadonlySet<string>;
  readonly tokenTtlSeconds: number;
  /**
   * How long a warm function trusts a connection's identity before reading its connection and
   * user records again (blocked, role): the longest a revoked right can outlive its revocation on
   * a connection that was not closed.
   */
  readonly identityCacheMs: number;
  readonly wechat: {
    readonly baseUrl: string;
    readonly appId: string;
    /** Time budget of one WeChat server API call, retries included (WECHAT_API_TIMEOUT_MS). */
    readonly apiTimeoutMs: number;
  };
  /** Scan to log in (functions/domain/web-login.ts). */
  readonly webLogin: {
    readonly ticketsPerMinute: number;
    readonly pollsPerMinute: number;
    readonly consoleTokenSeconds: number;
    /**
     * What the console's code is: `wxacode`, a mini-program code from WeChat (on AWS, the stack
     * sets it), or `qr`, a plain QR code the mini-program's scanner reads (the local stack).
     */
    readonly code: 'wxacode' | 'qr';
    /**
     * The mini-program version a scanned mini-program code opens (WeChat's `env_version`),
     * following NOTIFY_MINIPROGRAM_STATE: the version users run is the version staff scan into.
     */
    readonly codeEnvVersion: 'release' | 'trial' | 'develop';
  };
  /**
   * Where handlers reach the @connections API. A template: `{apiId}`, `{domainName}` and `{stage}`
   * are taken from each event. Unset, it is `https://{domainName}/{stage}`.
   */
  readonly connectionsEndpoint: string | undefined;
  /** Unset on AWS; the local stack points it at DynamoDB Local. */
  readonly dynamodbEndpoint: string | undefined;
  /** Image messages: the buckets, the S3 endpoint (unset on AWS; the local S3 server locally). */
  readonly images: {
    readonly buckets: Record<BucketId, string>;
    readonly s3Endpoint: string | undefined;
    /** How long a send waits for a fresh upload's display copy (process-image), in ms. */
    readonly readyWaitMs: number;
  };
  readonly region: string;
  /** WeChat subscribe-message notifications (the notify handler). */
  readonly notify: Omit<NotifyConfig, 'admins' | 'deskTitle' | 'claimLeaseMs'> & {
    readonly miniprogramState: 'developer' | 'trial' | 'formal';
    /**
     * The desk's service hours (DESK_HOURS, in `timeZone`), stated by the automatic reply a
     * student gets while no admin is online; undefined (`DESK_HOURS=off`): no automatic reply.
     */
    readonly deskHours: readonly DeskHoursRule[] | undefined;
  };
  /**
   * The @connections endpoint of functions that run without a WebSocket event (the notifier
   * posts the automatic reply): a URL, no placeholders (CONNECTIONS_API_URL; the stack sets it).
   */
  readonly connectionsApiUrl: string | undefined;
  /** Split fan-out (functions/domain/fan-out-split.ts). */
  readonly fanOut: {
    /**
     * The fan-out worker's function name (FAN_OUT_WORKER_FUNCTION), set by the stack only on the
     * functions granted to invoke it (functions/routes.ts `invokes`); unset, nothing is split.
     */
    readonly workerFunction: string | undefined;
    /** Unset on AWS; the local stack points it at its own Lambda Invoke API. */
    readonly lambdaEndpoint: string | undefined;
    /** Fan-outs to more recipients than this are split (FAN_OUT_SPLIT_THRESHOLD). */
    readonly threshold: number;
    /** Recipients per slice, the sender's own included (FAN_OUT_SLICE_SIZE). */
    readonly sliceSize: number;
  };
}

/**
 * The tuning knobs an operator may set, by environment variable: the rate limits, fan-out width,
 * retry budget, connection TTL, desk title and token lifetime read below, and the log level
 * (functions/adapters/logger.ts). Their defaults live where they are read. The CDK stack takes each
 * from CDK context under the same name (infra/lib/stack-config.ts) and gives it to every function;
 * everything else readConfig reads is the stack's own wiring (tables, endpoints, secrets, admins).
 * infra/lib/stack-config.test.ts fails when readConfig reads a variable that is in neither group.
 */
export const TUNING_VARIABLES = [
  'SEND_RATE_LIMIT',
  'SEND_RATE_WINDOW_SECONDS',
  'FRAME_BURST',
  'FRAME_PER_SECOND',
  'MESSAGE_BURST',
  'MESSAGE_PER_SECOND',
  'TYPING_BURST',
  'TYPING_PER_SECOND',
  'PRESENCE_BURST',
  'PRESENCE_PER_SECOND',
  'MAX_CONNECTIONS_PER_USER',
  'IDENTITY_CACHE_SECONDS',
  'FANOUT_CONCURRENCY',
  // Split fan-out (docs/benchmarks-fan-out.md chose the defaults).
  'FAN_OUT_SPLIT_THRESHOLD',
  'FAN_OUT_SLICE_SIZE',
  'CONNECTION_TTL_SECONDS',
  'SEND_SEQ_ATTEMPTS',
  'SEND_MAX_IN_FLIGHT',
  'SEND_MAX_IN_FLIGHT_PER_CONVERSATION',
  'DESK_TITLE',
  'TOKEN_TTL_SECONDS',
  'WEB_LOGIN_TICKETS_PER_MINUTE',
  'WEB_LOGIN_POLLS_PER_MINUTE',
  'CONSOLE_TOKEN_TTL_SECONDS',
  'LOG_LEVEL',
  'IMAGE_READY_WAIT_MS',
  'WECHAT_API_TIMEOUT_MS',
  // WeChat subscribe messages (docs/deploy.md "Subscribe-message templates").
  'NOTIFY_TEMPLATE_DESK_REPLIED',
  'NOTIFY_FIELDS_DESK_REPLIED',
  'NOTIFY_TEMPLATE_STUDENT_WAITING',
  'NOTIFY_FIELDS_STUDENT_WAITING',
  'NOTIFY_MINIPROGRAM_STATE',
  'NOTIFY_TIME_ZONE',
  // The desk's hours in the automatic reply (README "Configuration"; `off` turns it off).
  'DESK_HOURS',
] as const;

export type TuningVariable = (typeof TUNING_VARIABLES)[number];

function numberFrom(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  integer = true,
): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!(value > 0) || (integer && !Number.isInteger(value))) {
    throw new Error(`${name} must be a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return numberFrom(env, name, fallback);
}

/** The longest a login token may be valid: a stolen or outdated token dies within this. */
export const MAX_TOKEN_TTL_SECONDS = 7 * 24 * 3600;

function tokenTtl(env: NodeJS.ProcessEnv): number {
  const ttl = intFrom(env, 'TOKEN_TTL_SECONDS', 24 * 3600);
  if (ttl > MAX_TOKEN_TTL_SECONDS) {
    throw new Error(`TOKEN_TTL_SECONDS must be at most ${MAX_TOKEN_TTL_SECONDS} (7 days)`);
  }
  return ttl;
}

/**
 * A template's field map, `name=key,...` (e.g. `from=thing1,preview=thing2,time=time3`): which of
 * the template's keys (as shown in the mini-program admin console) takes which of our values.
 */
function fieldMap(env: NodeJS.ProcessEnv, name: string, fallback: string): Record<string, string> {
  const raw = env[name] || fallback;
  const map: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const [value, key] = pair.split('=').map((s) => s.trim());
    if (!value || !key || fieldType(key) === undefined)
      throw new Error(`${name} must be name=key pairs with thing/time/phrase/name keys`);
    map[value] = key;
  }
  return map;
}

/** subscribeMessage's `miniprogram_state` → wxacode's `env_version` (same versions, two names). */
const ENV_VERSIONS = { formal: 'release', trial: 'trial', developer: 'develop' } as const;

function miniprogramState(env: NodeJS.ProcessEnv): 'developer' | 'trial' | 'formal' {
  const value = env.NOTIFY_MINIPROGRAM_STATE || 'formal';
  if (value !== 'developer' && value !== 'trial' && value !== 'formal')
    throw new Error('NOTIFY_MINIPROGRAM_STATE must be developer, trial or formal');
  return value;
}

function timeZone(env: NodeJS.ProcessEnv): string {
  const value = env.NOTIFY_TIME_ZONE || 'Asia/Shanghai';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new Error('NOTIFY_TIME_ZONE must be an IANA time zone (e.g. Asia/Shanghai)');
  }
  return value;
}

/** The hours when the automatic reply is on. */
export const DEFAULT_DESK_HOURS = 'Mon-Fri 08:30-17:30';

function deskHours(env: NodeJS.ProcessEnv): DeskHoursRule[] | undefined {
  const raw = (env.DESK_HOURS || DEFAULT_DESK_HOURS).trim();
  if (raw.toLowerCase() === 'off') return undefined;
  return parseDeskHours(raw);
}

/**
 * Split fan-out's defaults, chosen by `npm run bench:fan-out` (docs/benchmarks-fan-out.md): a
 * fan-out to a 50-member room is not split, a larger one is cut into slices of this size.
 */
export const DEFAULT_FAN_OUT_SPLIT_THRESHOLD = 100;
export const DEFAULT_FAN_OUT_SLICE_SIZE = 25;

function sliceSize(env: NodeJS.ProcessEnv): number {
  const size = intFrom(env, 'FAN_OUT_SLICE_SIZE', DEFAULT_FAN_OUT_SLICE_SIZE);
  if (size > MAX_SLICE_SIZE) {
    throw new Error(`FAN_OUT_SLICE_SIZE must be at most ${MAX_SLICE_SIZE} (the invoke payload)`);
  }
  return size;
}

/** The configuration from an environment (default: this process's). */
export function readConfig(env: NodeJS.ProcessEnv = process.env): RuntimeConfig {
  return {
    tables: resolveTableNames(env),
    chat: {
      sendLimit: intFrom(env, 'SEND_RATE_LIMIT', 30),
      sendWindowSeconds: intFrom(env, 'SEND_RATE_WINDOW_SECONDS', 10),
      frameBurst: intFrom(env, 'FRAME_BURST', 60),
      framePerSecond: numberFrom(env, 'FRAME_PER_SECOND', 20, false),
      messageBurst: intFrom(env, 'MESSAGE_BURST', 10),
      messagePerSecond: numberFrom(env, 'MESSAGE_PER_SECOND', 3, false),
      typingBurst: intFrom(env, 'TYPING_BURST', 5),
      typingPerSecond: numberFrom(env, 'TYPING_PER_SECOND', 1, false),
      presenceBurst: intFrom(env, 'PRESENCE_BURST', 3),
      presencePerSecond: numberFrom(env, 'PRESENCE_PER_SECOND', 0.1, false),
      maxConnectionsPerUser: intFrom(env, 'MAX_CONNECTIONS_PER_USER', 10),
      fanOutConcurrency: intFrom(env, 'FANOUT_CONCURRENCY', 50),
      connectionTtlSeconds: intFrom(env, 'CONNECTION_TTL_SECONDS', 2 * 3600 + 15 * 60),
      sendSeqAttempts: intFrom(env, 'SEND_SEQ_ATTEMPTS', 4),
      sendMaxInFlight: intFrom(env, 'SEND_MAX_IN_FLIGHT', 48),
      sendMaxInFlightPerConversation: intFrom(env, 'SEND_MAX_IN_FLIGHT_PER_CONVERSATION', 24),
      deskTitle: env.DESK_TITLE ?? '自习室服务台',
    },
    admins: new Set(
      (env.ADMINS ?? 'admin')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0),
    ),
    tokenTtlSeconds: tokenTtl(env),
    identityCacheMs: intFrom(env, 'IDENTITY_CACHE_SECONDS', 10) * 1000,
    wechat: {
      baseUrl: env.WECHAT_API_BASE ?? 'https://api.weixin.qq.com',
      appId: env.WECHAT_APPID ?? '',
      apiTimeoutMs: intFrom(env, 'WECHAT_API_TIMEOUT_MS', 3000),
    },
    webLogin: {
      ticketsPerMinute: intFrom(env, 'WEB_LOGIN_TICKETS_PER_MINUTE', 10),
      pollsPerMinute: intFrom(env, 'WEB_LOGIN_POLLS_PER_MINUTE', 60),
      consoleTokenSeconds: intFrom(env, 'CONSOLE_TOKEN_TTL_SECONDS', 8 * 3600),
      code: env.WEB_LOGIN_CODE === 'wxacode' ? 'wxacode' : 'qr',
      codeEnvVersion: ENV_VERSIONS[miniprogramState(env)],
    },
    connectionsEndpoint: env.CONNECTIONS_ENDPOINT || undefined,
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT || undefined,
    images: {
      buckets: resolveBucketNames(env),
      s3Endpoint: env.S3_ENDPOINT || undefined,
      readyWaitMs: intFrom(env, 'IMAGE_READY_WAIT_MS', 5000),
    },
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
    notify: {
      templates: {
        deskReplied: {
          id: env.NOTIFY_TEMPLATE_DESK_REPLIED ?? '',
          fields: fieldMap(
            env,
            'NOTIFY_FIELDS_DESK_REPLIED',
            'from=thing1,preview=thing2,time=time3',
          ),
        },
        studentWaiting: {
          id: env.NOTIFY_TEMPLATE_STUDENT_WAITING ?? '',
          fields: fieldMap(
            env,
            'NOTIFY_FIELDS_STUDENT_WAITING',
            'student=thing1,preview=thing2,time=time3',
          ),
        },
      },
      miniprogramState: miniprogramState(env),
      timeZone: timeZone(env),
      deskHours: deskHours(env),
    },
    connectionsApiUrl: env.CONNECTIONS_API_URL || undefined,
    fanOut: {
      workerFunction: env[FAN_OUT_WORKER.nameVariable] || undefined,
      lambdaEndpoint: env.LAMBDA_ENDPOINT || undefined,
      threshold: intFrom(env, 'FAN_OUT_SPLIT_THRESHOLD', DEFAULT_FAN_OUT_SPLIT_THRESHOLD),
      sliceSize: sliceSize(env),
    },
  };
}
