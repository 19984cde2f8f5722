/**
 * The stack's settings: typed props, their defaults, and how they are read from CDK context
 * (`cdk.json` or `-c key=value`). docs/deploy.md lists every key.
 */
import type { ConsoleDomain } from './console-hosting';
import type { StackProps } from 'aws-cdk-lib';
import { readConfig, TUNING_VARIABLES, type TuningVariable } from '../../functions/config';
import { type ArchitectureName, nodeMajorOf } from './handler-platform';

export interface ThrottleSettings {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  /** Requests allowed in a burst above the rate. */
  readonly burstLimit: number;
}

/**
 * A custom domain for the WebSocket API and, optionally, one for login. API Gateway cannot put a
 * WebSocket API and an HTTP API on the same custom domain, so login needs a host of its own.
 */
export interface CustomDomainSettings {
  /** Host the mini-program connects to, e.g. `chat.example.edu.cn` (wss://). */
  readonly webSocketDomain: string;
  /** ACM certificate (same region as the stack) covering `webSocketDomain`. */
  readonly webSocketCertificateArn: string;
  /** Host for POST /login, e.g. `chat-api.example.edu.cn` (https://). */
  readonly loginDomain?: string;
  /** Certificate covering `loginDomain`; defaults to `webSocketCertificateArn` (e.g. a wildcard). */
  readonly loginCertificateArn?: string;
}

/** Where the handlers' secrets and parameters live; the operator creates them (docs/deploy.md). */
export interface SecretSettings {
  /** Secrets Manager secret (name or full ARN) holding the token signing key (>= 32 bytes). */
  readonly jwtSecretId: string;
  /** Secrets Manager secret (name or full ARN) holding the WeChat app secret. */
  readonly wechatSecretId: string;
  /**
   * Secrets Manager secret (name or full ARN) holding the message-push Token, the one entered in
   * the mini-program's admin console (docs/deploy.md "Message push").
   */
  readonly wechatPushTokenId: string;
  /** SSM String parameter holding the mini-program's appid (not secret). */
  readonly wechatAppIdParameter: string;
  /** SSM String parameter holding the comma-separated admin user ids (openids). */
  readonly adminsParameter: string;
}

export interface CampusChatSettings {
  /** WebSocket stage name; part of the execute-api URL. */
  readonly stageName: string;
  /** Stage-level throttling of the WebSocket API (connects and messages together). */
  readonly webSocketThrottle: ThrottleSettings;
  /** Throttling of POST /login. */
  readonly loginThrottle: ThrottleSettings;
  /** Days Lambda and access logs are kept (a value CloudWatch Logs accepts, e.g. 30). */
  readonly logRetentionDays: number;
  /** Browser origins allowed to call POST /login (the admin console); empty: no CORS. */
  readonly consoleOrigins: readonly string[];
  readonly secrets: SecretSettings;
  /** Absent: the execute-api hostnames only. */
  readonly customDomain?: CustomDomainSettings;
  /**
   * The console's own domain. Optional in the global regions (absent: the CloudFront domain);
   * required in the China regions, with an ICP filing and an IAM server certificate.
   */
  readonly consoleDomain?: ConsoleDomain;
  /** E-mail address subscribed to the alarm topic; absent: subscribe later yourself. */
  readonly alarmEmail?: string;
  /**
   * Whether the stack sets the account's API Gateway CloudWatch Logs role (AWS::ApiGateway::Account),
   * which stage logging requires. Opt-in: it is one setting per account and region, so a stack
   * that sets it silently replaces the role another stack set, and CDK's own `cloudWatchRole`
   * documentation recommends creating it once per environment. Turn it on for the first stack in
   * a fresh account and region only (docs/deploy.md).
   */
  readonly manageApiGatewayAccountRole: boolean;
  /** Lambda runtime of every handler; absent: the partition's default (handler-platform.ts). */
  readonly lambdaRuntime?: string;
  /** Lambda architecture of every handler; absent: the partition's default. */
  readonly lambdaArchitecture?: ArchitectureName;
  /**
   * The handlers' tuning knobs (functions/config.ts TUNING_VARIABLES), by environment variable, as
   * set in context; unset ones keep the defaults functions/config.ts gives them.
   */
  readonly tuning: Readonly<Partial<Record<TuningVariable, string>>>;
}

export interface CampusChatStackProps extends StackProps {
  readonly settings: CampusChatSettings;
  /**
   * The browser console's static build (console/scripts/build.ts). Given, the stack publishes it
   * behind CloudFront with a generated config.json (infra/lib/console-hosting.ts); the CDK app
   * builds it before synthesizing.
   */
  readonly consoleDir?: string;
}

export const DEFAULT_SETTINGS: CampusChatSettings = {
  stageName: 'prod',
  webSocketThrottle: { rateLimit: 100, burstLimit: 200 },
  loginThrottle: { rateLimit: 10, burstLimit: 20 },
  logRetentionDays: 30,
  consoleOrigins: [],
  secrets: {
    jwtSecretId: 'campus-chat/jwt-signing-key',
    wechatSecretId: 'campus-chat/wechat-app-secret',
    wechatPushTokenId: 'campus-chat/wechat-push-token',
    wechatAppIdParameter: '/campus-chat/wechat-appid',
    adminsParameter: '/campus-chat/admins',
  },
  manageApiGatewayAccountRole: false,
  tuning: {},
};

/** Reads one context value (cdk.json or `-c`); undefined when unset or empty. */
export type ContextReader = (key: string) => unknown;

function text(read: ContextReader, key: string): string | undefined {
  const value = read(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
    throw new Error(`context ${key} must be a string, number or boolean`);
  return String(value).trim() || undefined;
}

function positive(read: ContextReader, key: string, fallback: number): number {
  const raw = text(read, key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`context ${key} must be a positive number`);
  return value;
}

function flag(read: ContextReader, key: string, fallback: boolean): boolean {
  const raw = text(read, key);
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new Error(`context ${key} must be true or false`);
}

function list(read: ContextReader, key: string): string[] {
  const value = read(key);
  if (Array.isArray(value)) return value.map(String);
  return (text(read, key) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * The tuning knobs set in context (context key = environment variable, e.g.
 * `-c SEND_RATE_LIMIT=60`), checked by the very function the handlers read them with, so a value
 * they would refuse at run time fails the synth instead.
 */
function tuning(read: ContextReader): Partial<Record<TuningVariable, string>> {
  const set: Partial<Record<TuningVariable, string>> = {};
  for (const name of TUNING_VARIABLES) {
    const value = text(read, name);
    if (value !== undefined) set[name] = value;
  }
  try {
    readConfig({ ...set });
  } catch (error) {
    throw new Error(`context: ${(error as Error).message}`, { cause: error });
  }
  const level = set.LOG_LEVEL;
  if (level !== undefined && !LOG_LEVELS.includes(level.toUpperCase()))
    throw new Error(`context LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return set;
}

/** What functions/adapters/logger.ts accepts. */
const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'];

function architecture(read: ContextReader): ArchitectureName | undefined {
  const value = text(read, 'lambdaArchitecture');
  if (value === undefined || value === 'arm64' || value === 'x86_64') return value;
  throw new Error('context lambdaArchitecture must be arm64 or x86_64');
}

function runtime(read: ContextReader): string | undefined {
  const value = text(read, 'lambdaRuntime');
  if (value !== undefined) nodeMajorOf(value);
  return value;
}

/** The settings from CDK context, with DEFAULT_SETTINGS for what is not set. */
export function settingsFromContext(read: ContextReader): CampusChatSettings {
  const d = DEFAULT_SETTINGS;
  const domain = text(read, 'domainName');
  const certificate = text(read, 'certificateArn');
  if ((domain === undefined) !== (certificate === undefined))
    throw new Error('context domainName and certificateArn must be set together');
  const loginDomain = text(read, 'loginDomainName');
  const loginCertificate = text(read, 'loginCertificateArn');
  if (loginDomain !== undefined && domain === undefined)
    throw new Error('context loginDomainName needs domainName and certificateArn');
  const alarmEmail = text(read, 'alarmEmail');
  const consoleDomain = text(read, 'consoleDomain');
  const consoleCertificate = text(read, 'consoleCertificateArn');
  const consoleIamCertificate = text(read, 'consoleIamCertificateId');
  const lambdaRuntime = runtime(read);
  const lambdaArchitecture = architecture(read);
  return {
    stageName: text(read, 'stageName') ?? d.stageName,
    webSocketThrottle: {
      rateLimit: positive(read, 'throttleRateLimit', d.webSocketThrottle.rateLimit),
      burstLimit: positive(read, 'throttleBurstLimit', d.webSocketThrottle.burstLimit),
    },
    loginThrottle: {
      rateLimit: positive(read, 'loginThrottleRateLimit', d.loginThrottle.rateLimit),
      burstLimit: positive(read, 'loginThrottleBurstLimit', d.loginThrottle.burstLimit),
    },
    logRetentionDays: positive(read, 'logRetentionDays', d.logRetentionDays),
    consoleOrigins: list(read, 'consoleOrigins'),
    secrets: {
      jwtSecretId: text(read, 'jwtSecretId') ?? d.secrets.jwtSecretId,
      wechatSecretId: text(read, 'wechatSecretId') ?? d.secrets.wechatSecretId,
      wechatPushTokenId: text(read, 'wechatPushTokenId') ?? d.secrets.wechatPushTokenId,
      wechatAppIdParameter: text(read, 'wechatAppIdParameter') ?? d.secrets.wechatAppIdParameter,
      adminsParameter: text(read, 'adminsParameter') ?? d.secrets.adminsParameter,
    },
    ...(domain !== undefined && certificate !== undefined
      ? {
          customDomain: {
            webSocketDomain: domain,
            webSocketCertificateArn: certificate,
            ...(loginDomain !== undefined ? { loginDomain } : {}),
            ...(loginCertificate !== undefined ? { loginCertificateArn: loginCertificate } : {}),
          },
        }
      : {}),
    ...(alarmEmail !== undefined ? { alarmEmail } : {}),
    ...(consoleDomain !== undefined
      ? {
          consoleDomain: {
            domainName: consoleDomain,
            ...(consoleCertificate !== undefined ? { certificateArn: consoleCertificate } : {}),
            ...(consoleIamCertificate !== undefined
              ? { iamCertificateId: consoleIamCertificate }
              : {}),
          },
        }
      : {}),
    manageApiGatewayAccountRole: flag(
      read,
      'manageApiGatewayAccountRole',
      d.manageApiGatewayAccountRole,
    ),
    ...(lambdaRuntime !== undefined ? { lambdaRuntime } : {}),
    ...(lambdaArchitecture !== undefined ? { lambdaArchitecture } : {}),
    tuning: tuning(read),
  };
}
