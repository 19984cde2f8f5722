/**
 * The composition root of the handlers: `createRuntime(env)` reads the configuration once from an
 * environment and builds everything a handler shares across invocations — logger, DynamoDB client
 * and stores, the per-instance throttles and caches, secrets and the session-token service. Each
 * handler module calls it once (a Lambda function instance has one runtime, as a warm container
 * has one module scope); the CDK stack sets the environment on AWS, the local stack in this
 * process, and tests may build a runtime from any environment without touching `process.env`.
 * Per request only the @connections sender is bound (its endpoint comes from the event).
 */
import { SendGate } from './domain/send-gate';
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { connectionsEndpoint, createConnectionSender } from './adapters/connection-sender';
import { createDocumentClient } from './adapters/dynamo-client';
import { createDynamoConnectionRegistry } from './adapters/dynamo-connections';
import { createDynamoConversationStore } from './adapters/dynamo-conversations';
import { createDynamoMessageStore } from './adapters/dynamo-messages';
import { createDynamoModerationStore } from './adapters/dynamo-moderation';
import { createDynamoUserStore } from './adapters/dynamo-users';
import { createLambdaFanOut } from './adapters/lambda-fan-out';
import { createLogger } from './adapters/logger';
import { readSecret, type SecretName } from './adapters/secrets';
import { type WeChatClient, createWeChatClient } from './adapters/wechat-client';
import { createWeChatContentChecker } from './adapters/wechat-content-check';
import { createTokenService, type TokenService } from './auth/tokens';
import { readConfig, type RuntimeConfig } from './config';
import type { ChatContext } from './domain/chat-context';
import type {
  ConnectionRegistry,
  ContentChecker,
  ConversationStore,
  Log,
  MessageStore,
  ModerationStore,
  UserStore,
} from './domain/ports';
import { KnownMembers } from './domain/known-members';
import { SendLimitMemory } from './domain/send-limits';
import { TokenBuckets } from './domain/token-bucket';
import { CallerCache } from './handlers/caller-cache';
import { createDynamoStaffStore } from './adapters/dynamo-staff';
import { StaffDirectory } from './domain/staff-directory';
import type { WebSocketEvent } from './handlers/websocket-event';

/** The DynamoDB-backed stores of the chat. */
export interface ChatStores {
  readonly users: UserStore;
  readonly connections: ConnectionRegistry;
  readonly conversations: ConversationStore;
  readonly messages: MessageStore;
  readonly moderation: ModerationStore;
}

/**
 * Flood guards counted in this function instance (on AWS each instance counts on its own, so they
 * bound a flood rather than enforce an exact quota; message sends also have an exact per-user
 * limit in DynamoDB).
 */
export interface InstanceThrottles {
  /** Any frame, per connection. */
  readonly frames: TokenBuckets;
  /**
   * sendmessage frames per connection. A client sends one message at a time per conversation (it
   * waits for the ack), so this only stops a flood, whose concurrent sends would otherwise race
   * each other for the same seq — every lost race another transaction.
   */
  readonly messages: TokenBuckets;
  /** Typing notices per user and conversation. */
  readonly typing: TokenBuckets;
  /** Presence notices (join/leave) per user and room. */
  readonly presence: TokenBuckets;
  /** Senders this instance saw over their message limit (see SendLimitMemory). */
  readonly sendLimits: SendLimitMemory;
  /**
   * Connections this instance told RATE_LIMITED, until that reply's `retryAfterMs` has passed:
   * further frames over a limit in that window get no reply at all, so a flood turns into at most
   * one post back per window, not one per frame.
   */
  readonly rateLimitNotices: SendLimitMemory;
  /** Sends in flight, bounded in all and per conversation (domain/send-gate.ts). */
  readonly sendGate: SendGate;
}

export interface Runtime {
  readonly config: RuntimeConfig;
  readonly log: Log;
  /** The DynamoDB document client every store of this runtime uses (one per instance). */
  readonly db: DynamoDBDocumentClient;
  readonly stores: ChatStores;
  readonly throttles: InstanceThrottles;
  /** Who is behind a connection, cached for `config.identityCacheMs`. */
  readonly callers: CallerCache;
  /** Who is on the desk (the staff table, seeded from ADMINS), cached for `identityCacheMs`. */
  readonly staff: StaffDirectory;
  /** A user's display name (their user record), or their id when they never logged in. */
  nameOf(userId: string): Promise<string>;
  /** The chat context for one WebSocket event (its @connections endpoint comes from the event). */
  chatContext(event: Pick<WebSocketEvent, 'requestContext'>): ChatContext;
  /**
   * The chat context of a function that runs without a WebSocket event (a stream consumer): its
   * @connections endpoint is `config.connectionsApiUrl` (CONNECTIONS_API_URL), which it must have.
   */
  eventlessChatContext(): ChatContext;
  /** A secret of this runtime's environment (functions/adapters/secrets.ts). */
  secret(name: SecretName): Promise<string>;
  /** The session-token service, keyed by JWT_SECRET; built on first use. */
  sessionTokens(): Promise<TokenService>;
  /**
   * WeChat's server API with the shared access token (adapters/wechat-client.ts). Calls it only
   * from a handler granted functions/routes.ts WECHAT_API_ACCESS.
   */
  readonly wechat: WeChatClient;
  /** Content security (msgSecCheck through `wechat`), also in every ChatContext. */
  readonly content: ContentChecker;
}

export interface RuntimeOptions {
  /** The logger's service name. */
  readonly service?: string;
  /** Epoch milliseconds (tests may pass a clock). */
  readonly now?: () => number;
}

/** Builds a handler runtime from `env` (read once, here). */
export function createRuntime(env: NodeJS.ProcessEnv, options: RuntimeOptions = {}): Runtime {
  const config = readConfig(env);
  const log = createLogger(options.service ?? 'campus-chat', env);
  const now = options.now ?? Date.now;
  const db = createDocumentClient({ endpoint: config.dynamodbEndpoint, region: config.region });
  const stores: ChatStores = {
    users: createDynamoUserStore(db, config.tables.users),
    connections: createDynamoConnectionRegistry(db, config.tables),
    conversations: createDynamoConversationStore(db, config.tables),
    messages: createDynamoMessageStore(db, config.tables),
    moderation: createDynamoModerationStore(db, config.tables.moderation),
  };
  const { chat } = config;
  const throttles: InstanceThrottles = {
    frames: new TokenBuckets(chat.frameBurst, chat.framePerSecond),
    messages: new TokenBuckets(chat.messageBurst, chat.messagePerSecond),
    typing: new TokenBuckets(chat.typingBurst, chat.typingPerSecond),
    presence: new TokenBuckets(chat.presenceBurst, chat.presencePerSecond),
    sendLimits: new SendLimitMemory(),
    rateLimitNotices: new SendLimitMemory(),
    sendGate: new SendGate({
      maxInFlight: chat.sendMaxInFlight,
      maxPerConversation: chat.sendMaxInFlightPerConversation,
    }),
  };
  // Per instance, like the throttles: every chat context of this runtime shares it.
  const knownMembers = new KnownMembers(config.identityCacheMs);
  const chatConfig = { ...chat };
  const staff = new StaffDirectory(createDynamoStaffStore(db, config.tables.staff), {
    admins: config.admins,
    cacheMs: config.identityCacheMs,
    now,
  });
  const secret = (name: SecretName) => readSecret(name, env);
  // Nothing is fetched until a handler first calls WeChat.
  const wechat = createWeChatClient({
    db,
    tokenTable: config.tables.wechatTokens,
    baseUrl: config.wechat.baseUrl,
    appId: config.wechat.appId,
    appSecret: () => secret('WECHAT_SECRET'),
    timeoutMs: config.wechat.apiTimeoutMs,
  });
  const content = createWeChatContentChecker(wechat.api, log);
  let tokens: Promise<TokenService> | undefined;
  // Only a function the stack let invoke the fan-out worker has its name (routes.ts `invokes`).
  const { fanOut } = config;
  const fanOutWorkers = fanOut.workerFunction
    ? createLambdaFanOut({
        functionName: fanOut.workerFunction,
        region: config.region,
        endpoint: fanOut.lambdaEndpoint,
        threshold: fanOut.threshold,
        sliceSize: fanOut.sliceSize,
      })
    : undefined;
  /** A chat context whose sender posts to the @connections API at `endpoint`. */
  const contextWith = (endpoint: string): ChatContext => ({
    ...stores,
    content,
    sender: createConnectionSender(endpoint, config.region, chat.fanOutConcurrency),
    config: chatConfig,
    log,
    now,
    newId: () => randomUUID(),
    staff,
    ...(fanOutWorkers ? { fanOutWorkers } : {}),
    knownMembers,
  });

  return {
    config,
    log,
    db,
    stores,
    throttles,
    callers: new CallerCache(config, staff),
    staff,
    nameOf: async (userId) => (await stores.users.get(userId))?.name ?? userId,
    wechat,
    content,
    chatContext: (event) =>
      contextWith(connectionsEndpoint(config.connectionsEndpoint, event.requestContext)),
    eventlessChatContext: () => {
      const endpoint = config.connectionsApiUrl;
      if (!endpoint) throw new Error('CONNECTIONS_API_URL is not set');
      return contextWith(endpoint);
    },
    secret,
    sessionTokens: () => {
      tokens ??= secret('JWT_SECRET')
        .then((key) =>
          createTokenService({
            secret: new TextEncoder().encode(key),
            ttlSeconds: config.tokenTtlSeconds,
          }),
        )
        .catch((error: unknown) => {
          // Not cached: a passing Secrets Manager failure must not break this instance for good.
          tokens = undefined;
          throw error;
        });
      return tokens;
    },
  };
}
