/**
 * The WebSocket route table, declared once. The local gateway emulator routes frames with it and
 * the CDK stack creates one route (and one Lambda function) per entry from it.
 *
 * Route selection is `$request.body.action`: a JSON frame whose `action` equals a route key goes to
 * that route; everything else (not JSON, no `action`, an unknown one) goes to `$default`.
 */
import type { SecretName } from './adapters/secrets';
import type { TableId } from './tables';
import type { BucketId } from './buckets';
import type { WorkerId } from './workers';

export const ROUTE_SELECTION_EXPRESSION = '$request.body.action';

export type TableAccess = 'read' | 'write' | 'readWrite';

/** What a handler does with a bucket; the stack grants exactly the S3 actions that needs. */
export type BucketAccess = 'presign' | 'head' | 'presignAndHead' | 'process' | 'remove';

export interface LambdaIntegration {
  readonly kind: 'lambda';
  /** File name under `functions/handlers/` (without extension) exporting `handler`. */
  readonly handler: string;
  /** What the handler touches, so the stack can grant exactly that and nothing more. */
  readonly tables: Partial<Record<TableId, TableAccess>>;
  /** Whether the handler posts to or deletes connections through the @connections API. */
  readonly manageConnections: boolean;
  /** Secrets the handler reads (functions/adapters/secrets.ts); only these are granted to it. */
  readonly secrets?: readonly SecretName[];
  /**
   * S3 access per bucket (functions/buckets.ts). `presign` signs presigned POSTs and GETs (the
   * URL carries the function's authority: it needs s3:PutObject and s3:GetObject), `head` reads
   * object metadata (s3:GetObject; HEAD needs no other action), `remove` deletes an upload and
   * its copies (s3:DeleteObject; a risky picture, functions/domain/image-check.ts).
   */
  readonly buckets?: Partial<Record<BucketId, BucketAccess>>;
  /**
   * Worker functions (functions/workers.ts) the handler invokes: the stack grants
   * lambda:InvokeFunction on each and sets its name in the worker's `nameVariable`.
   */
  readonly invokes?: readonly WorkerId[];
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

export interface MockIntegration {
  readonly kind: 'mock';
  /** The frame API Gateway itself answers with (a route response); no Lambda runs. */
  readonly response: string;
}

export interface RouteDefinition {
  readonly routeKey: string;
  readonly integration: LambdaIntegration | MockIntegration;
}

const FRAME_HANDLER = { manageConnections: true, memoryMb: 512, timeoutSeconds: 10 } as const;

/**
 * Every frame handler reads its caller's connection record and user record (blocked, and whether
 * the role still holds), and deletes connection and subscription items a reply or fan-out finds
 * stale.
 */
const CONNECTION_STATE = {
  users: 'read',
  // The caller's staff item (caller-cache.ts) and the staff list a fan-out to the admins topic
  // filters with (functions/domain/staff-directory.ts).
  staff: 'read',
  connections: 'readWrite',
  subscriptions: 'readWrite',
} as const;

/**
 * What a handler that calls a WeChat server API needs (functions/adapters/wechat-client.ts): the
 * shared access token's table (read, and written by whichever instance refreshes it) and the app
 * secret the token is fetched with.
 */
export const WECHAT_API_ACCESS = {
  tables: { wechatTokens: 'readWrite' },
  secrets: ['WECHAT_SECRET'],
} as const satisfies {
  tables: Partial<Record<TableId, TableAccess>>;
  secrets: readonly SecretName[];
};

/**
 * The route, its handler allowed to split a large fan-out across fan-out workers
 * (functions/domain/fan-out-split.ts): the routes that deliver to a whole room.
 */
function splittingFanOut(route: RouteDefinition): RouteDefinition {
  if (route.integration.kind !== 'lambda') throw new Error(`${route.routeKey} runs no function`);
  return { ...route, integration: { ...route.integration, invokes: ['fanOutWorker'] } };
}

/** A route whose handler file is named after its route key and answers frames. */
function frameRoute(
  routeKey: string,
  tables: Partial<Record<TableId, TableAccess>>,
  secrets?: readonly SecretName[],
  buckets?: Partial<Record<BucketId, BucketAccess>>,
): RouteDefinition {
  return {
    routeKey,
    integration: {
      kind: 'lambda',
      handler: routeKey,
      tables: { ...CONNECTION_STATE, ...tables },
      ...(buckets ? { buckets } : {}),
      ...(secrets ? { secrets } : {}),
      ...FRAME_HANDLER,
    },
  };
}

export const ROUTES: readonly RouteDefinition[] = [
  {
    routeKey: '$connect',
    integration: {
      kind: 'lambda',
      handler: 'connect',
      tables: {
        // Read for the identity; write for the user's live item (ports.ts UserStore).
        users: 'readWrite',
        connections: 'readWrite',
        subscriptions: 'readWrite',
        members: 'read',
        // A console token is accepted only while its web session exists.
        webSessions: 'read',
        // The role (functions/domain/staff-directory.ts), seeded from ADMINS when no manager.
        staff: 'readWrite',
      },
      secrets: ['JWT_SECRET'],
      ...FRAME_HANDLER,
    },
  },
  {
    routeKey: '$disconnect',
    integration: {
      kind: 'lambda',
      handler: 'disconnect',
      // staff: the list a fan-out to the admins topic (a presence notice) filters with.
      tables: {
        connections: 'readWrite',
        subscriptions: 'readWrite',
        users: 'write',
        staff: 'read',
      },
      ...FRAME_HANDLER,
    },
  },
  {
    routeKey: '$default',
    integration: {
      kind: 'lambda',
      handler: 'default',
      // A reply that finds its connection gone removes the stale record (fan-out.ts
      // dropStaleConnection -> connections.close, which reads the record for its topics first).
      tables: { connections: 'readWrite', subscriptions: 'write' },
      ...FRAME_HANDLER,
    },
  },
  frameRoute('conversations', { conversations: 'read', members: 'read' }),
  // The text is checked with WeChat's msgSecCheck before it is stored (WECHAT_API_ACCESS).
  splittingFanOut(
    frameRoute(
      'sendmessage',
      {
        conversations: 'readWrite',
        members: 'readWrite',
        messages: 'readWrite',
        idempotency: 'readWrite',
        // Only the conditional counter update inside the send transaction; never read.
        rateLimits: 'write',
        // A student reopening a resolved conversation is recorded in the send transaction.
        deskEvents: 'write',
        ...WECHAT_API_ACCESS.tables,
        // The trace of a picture's mediaCheckAsync (put only; functions/domain/image-check.ts).
        moderation: 'write',
      },
      WECHAT_API_ACCESS.secrets,
      // An image attachment: HEAD of the upload and its display copy, GET URLs in the ack and
      // fan-out and for WeChat's picture check (a GET URL of the display copy).
      { images: 'presignAndHead' },
    ),
  ),
  frameRoute(
    'sync',
    // Writes too: a page across an old room seq hole fills it and puts the room's preview back
    // (functions/domain/seq-holes.ts fillSkipped).
    { conversations: 'readWrite', members: 'read', messages: 'readWrite' },
    undefined,
    // GET URLs of image messages in the page.
    { images: 'presign' },
  ),
  frameRoute('typing', { conversations: 'read', members: 'read' }),
  // readWrite on conversations: an admin's read raises the support conversation's deskReadSeq.
  frameRoute('read', { conversations: 'readWrite', members: 'readWrite' }),
  // users readWrite: the user's live item (rooms and connections, ports.ts UserStore).
  // The room title is checked with msgSecCheck (WECHAT_API_ACCESS).
  frameRoute(
    'createroom',
    {
      conversations: 'readWrite',
      members: 'readWrite',
      users: 'readWrite',
      ...WECHAT_API_ACCESS.tables,
    },
    WECHAT_API_ACCESS.secrets,
  ),
  // The presence notice goes to every member's connections, as a message does.
  splittingFanOut(
    frameRoute('join', { conversations: 'readWrite', members: 'readWrite', users: 'readWrite' }),
  ),
  splittingFanOut(
    frameRoute('leave', { conversations: 'readWrite', members: 'readWrite', users: 'readWrite' }),
  ),
  frameRoute('rooms', { conversations: 'read', members: 'read' }),
  // Admins only: sets a user's blocked flag and closes their open connections.
  frameRoute('block', { users: 'readWrite' }),
  // Scan to log in, from the mini-program (functions/domain/web-login.ts).
  frameRoute('webloginview', { webLogins: 'readWrite' }),
  frameRoute('webloginanswer', { webLogins: 'readWrite' }),
  frameRoute('websessions', { webSessions: 'read' }),
  frameRoute('websignout', { webSessions: 'readWrite' }),
  // The sender's recall: reads the conversation and member (authorization) and the message; writes
  // the tombstone (messages), the preview (conversations) and the record (moderation, put only);
  // deletes a picture's three objects (images: remove).
  frameRoute(
    'recall',
    { conversations: 'readWrite', members: 'read', messages: 'readWrite', moderation: 'write' },
    undefined,
    { images: 'remove' },
  ),
  // Admins' removal: as recall, and closes the message's reports (moderation read for them).
  frameRoute(
    'remove',
    { conversations: 'readWrite', messages: 'readWrite', moderation: 'readWrite' },
    undefined,
    { images: 'remove' },
  ),
  // A report: authorization reads and the message; the report is put (or the stored one read).
  frameRoute('report', {
    conversations: 'read',
    members: 'read',
    messages: 'read',
    moderation: 'readWrite',
  }),
  frameRoute('reports', { moderation: 'read' }),
  frameRoute('dismissreport', { moderation: 'readWrite' }),
  // Subscribe-message choices and the notification switch, per user and template (issue 15).
  frameRoute('subscription', { notifyCredits: 'readWrite' }),
  // Image messages (protocol/images.ts): an upload slot (presigned POST), renewed GET URLs.
  frameRoute('upload', { conversations: 'read', members: 'read' }, undefined, {
    images: 'presign',
  }),
  frameRoute('imageurls', { conversations: 'read', members: 'read' }, undefined, {
    images: 'presign',
  }),
  // The app went to the background or came back: marks the caller's connection record (only
  // CONNECTION_STATE), which the notifier reads to tell a live connection from a suspended one.
  frameRoute('appstate', {}),
  // The desk's workflow (functions/domain/desk.ts): a conditional change of the conversation's
  // desk fields with its record (deskEvents), then the bounded counts (byDesk COUNT queries), and
  // (transfer) the colleague's user item.
  frameRoute('claim', { conversations: 'readWrite', deskEvents: 'write' }),
  frameRoute('release', { conversations: 'readWrite', deskEvents: 'write' }),
  frameRoute('transfer', { conversations: 'readWrite', deskEvents: 'write' }),
  frameRoute('resolve', { conversations: 'readWrite', deskEvents: 'write' }),
  // The shared canned replies; a saved text is checked with msgSecCheck (WECHAT_API_ACCESS).
  frameRoute('cannedreplies', { cannedReplies: 'read' }),
  frameRoute(
    'savecannedreply',
    { cannedReplies: 'readWrite', ...WECHAT_API_ACCESS.tables },
    WECHAT_API_ACCESS.secrets,
  ),
  frameRoute('deletecannedreply', { cannedReplies: 'readWrite' }),
  // Message search (functions/domain/search.ts): a bounded scan of history the caller may read.
  frameRoute('search', { conversations: 'read', members: 'read', messages: 'read' }),
  // Staff management (functions/domain/staff.ts): the list, its changes with their audit entries
  // (one transaction), away and back; a removal closes the member's connections.
  frameRoute('staff', {}),
  frameRoute('setstaff', { staff: 'readWrite' }),
  frameRoute('setaway', { staff: 'readWrite' }),
  frameRoute('staffaudit', {}),
  // Invitations by scan (functions/domain/staff-invites.ts): created and viewed in staffInvites;
  // accepting deletes the invitation and puts the member and the audit entry (one transaction),
  // then closes the invitee's connections.
  frameRoute('createinvite', { staffInvites: 'readWrite' }),
  frameRoute('viewinvite', { staffInvites: 'read' }),
  frameRoute('acceptinvite', { staffInvites: 'readWrite', staff: 'readWrite' }),
  {
    routeKey: 'ping',
    integration: { kind: 'mock', response: '{"type":"pong"}' },
  },
];

/** A route of the HTTP API (login and scan to log in; not part of the WebSocket API). */
export interface HttpRouteDefinition {
  readonly method: 'GET' | 'POST';
  /** API Gateway's path syntax: `{name}` is a path parameter. */
  readonly path: string;
  /** File name under `functions/handlers/` exporting `handler`. */
  readonly handler: string;
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly secrets: readonly SecretName[];
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** The browser console calls it (CORS for the console's origin); the mini-program needs none. */
  readonly fromConsole: boolean;
  /** S3 access per bucket, as for a WebSocket route. */
  readonly buckets?: Partial<Record<BucketId, BucketAccess>>;
  /**
   * Whether it posts to WebSocket connections (@connections of the WebSocket API, whose URL the
   * stack gives it in CONNECTIONS_API_URL, as to the stream consumers).
   */
  readonly manageConnections?: boolean;
  /**
   * Settings the CDK stack gives the function on AWS and the local stack does not (what only
   * works with WeChat's real servers and clients).
   */
  readonly awsEnvironment?: Readonly<Record<string, string>>;
}

/** The HTTP API route for login. */
export const LOGIN_ROUTE: HttpRouteDefinition = {
  method: 'POST',
  path: '/login',
  handler: 'login',
  // The display name is checked with msgSecCheck (WECHAT_API_ACCESS).
  // staff: the role, seeded from ADMINS when the table has no manager (staff-directory.ts).
  tables: { users: 'readWrite', staff: 'readWrite', ...WECHAT_API_ACCESS.tables },
  secrets: ['JWT_SECRET', 'WECHAT_SECRET'],
  memoryMb: 256,
  timeoutSeconds: 10,
  fromConsole: true,
};

/** Every HTTP API route, declared once: read by the local stack and the CDK stack. */
export const HTTP_ROUTES: readonly HttpRouteDefinition[] = [
  LOGIN_ROUTE,
  {
    // A scan-to-login ticket; counted per address in rateLimits.
    method: 'POST',
    path: '/weblogin',
    handler: 'weblogin-create',
    // The mini-program code (wxacode.getUnlimited) needs the shared WeChat access token.
    tables: { webLogins: 'readWrite', rateLimits: 'readWrite', ...WECHAT_API_ACCESS.tables },
    secrets: WECHAT_API_ACCESS.secrets,
    memoryMb: 256,
    timeoutSeconds: 10,
    fromConsole: true,
    // On AWS the console shows a mini-program code WeChat's own scanner opens; locally, where no
    // WeChat scanner can open anything, the plain QR code the mini-program's scanner reads.
    awsEnvironment: { WEB_LOGIN_CODE: 'wxacode' },
  },
  {
    // Polling a ticket; collecting an approved one signs the console token and opens its session.
    method: 'GET',
    path: '/weblogin/{ticket}',
    handler: 'weblogin-poll',
    tables: { webLogins: 'readWrite', webSessions: 'readWrite', rateLimits: 'readWrite' },
    secrets: ['JWT_SECRET'],
    memoryMb: 256,
    timeoutSeconds: 10,
    fromConsole: true,
  },
  {
    // WeChat's check of the message-push URL (echostr); only the push Token.
    method: 'GET',
    path: '/wechat-push',
    handler: 'wechat-push-verify',
    tables: {},
    secrets: ['WECHAT_PUSH_TOKEN'],
    memoryMb: 256,
    timeoutSeconds: 5,
    fromConsole: false,
  },
  {
    // WeChat's message push: the wxa_media_check verdict of a picture (functions/domain/
    // image-check.ts). A risky one: the check record (moderation, read and verdict written), the
    // message through its send's idempotency key (idempotency, members and conversations read by
    // loadSendContext), the tombstone (messages), the preview (conversations), the takedown record
    // and the closing of its reports (moderation), the notice to every member's connection
    // (subscriptions read, stale connection items deleted), the objects deleted (images).
    method: 'POST',
    path: '/wechat-push',
    handler: 'wechat-push',
    tables: {
      moderation: 'readWrite',
      idempotency: 'read',
      members: 'read',
      conversations: 'readWrite',
      messages: 'readWrite',
      subscriptions: 'readWrite',
      connections: 'readWrite',
      // The staff list a fan-out to the admins topic filters with (staff-directory.ts).
      staff: 'read',
    },
    secrets: ['WECHAT_PUSH_TOKEN'],
    buckets: { images: 'remove' },
    manageConnections: true,
    memoryMb: 512,
    // WeChat waits 5 s for the answer, then pushes again.
    timeoutSeconds: 5,
    fromConsole: false,
  },
  {
    // Export and figures (functions/domain/export.ts), authorized by the session token: the
    // caller (users, staff; webSessions for a console token), the desk's record by day and per
    // conversation (deskEvents), the conversations now, and with text their messages. Bounded
    // reads (protocol/export.ts) keep it within API Gateway's 30 s and Lambda's 6 MB answer.
    method: 'GET',
    path: '/export',
    handler: 'export',
    tables: {
      users: 'read',
      staff: 'read',
      webSessions: 'read',
      deskEvents: 'read',
      conversations: 'read',
      messages: 'read',
    },
    secrets: ['JWT_SECRET'],
    memoryMb: 1024,
    timeoutSeconds: 29,
    fromConsole: true,
  },
];

/** The path parameters of `path` when it matches the route's `{name}` template, else undefined. */
export function matchHttpPath(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const pattern = template.replace(/\{([A-Za-z]+)\}|[^{]+/g, (part, name: string | undefined) => {
    if (name) {
      names.push(name);
      return '([^/]+)';
    }
    return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
  });
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (!match) return undefined;
  return Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1] ?? '')]));
}

/**
 * The route key API Gateway would select for a frame body, following `$request.body.action`.
 */
export function selectRoute(
  body: string,
  routes: readonly RouteDefinition[] = ROUTES,
): RouteDefinition {
  let action: unknown;
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
      action = (parsed as Record<string, unknown>).action;
    }
  } catch {
    action = undefined;
  }
  const match =
    typeof action === 'string' && !action.startsWith('$')
      ? routes.find((r) => r.routeKey === action)
      : undefined;
  const fallback = routes.find((r) => r.routeKey === '$default');
  if (!match && !fallback) throw new Error('route table has no $default route');
  return (match ?? fallback) as RouteDefinition;
}
