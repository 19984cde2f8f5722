/**
 * Deployable permissions: every DynamoDB request a handler makes is allowed by the table access
 * its route declares in functions/routes.ts, which is exactly what the CDK stack grants
 * (read / write / readWrite, see test/support/table-access.ts). DynamoDB Local does not enforce
 * IAM, so without this suite a handler that starts reading a table it may only write passes every
 * local test and fails with AccessDenied on AWS ($default once did: its stale-connection cleanup
 * reads the connection record before deleting it, and the table was declared `write`).
 *
 * The stack runs behind the DynamoDB proxy, and every handler through a wrapper that records its
 * invocations and runs them one at a time, so each proxied request belongs to the invocation
 * running when it arrived. The test drives every Lambda route over real WebSockets (and /login
 * over HTTP), one step at a time, waiting for each step's invocations to finish.
 */
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EVENT_SOURCES } from '../functions/event-sources';
import { HTTP_ROUTES, ROUTES, type TableAccess } from '../functions/routes';
import type { TableId } from '../functions/tables';
import {
  type DynamoDbProxy,
  INTERNAL_SERVER_ERROR,
  startDynamoDbProxy,
} from '../local/dynamodb-proxy';
import type { LocalStack } from '../local/local-stack';
import { SEQ_HOLE_AGE_MS } from '../protocol/limits';
import { ChatTestClient, type Frame, login, nextId } from './support/chat-client';
import {
  beginStep,
  type InvocationRecord,
  invocations,
  isIdle,
  runningInvocation,
  SERIALIZED_HANDLER_URL,
} from './support/invocation-recorder';
import {
  allows,
  grantedKinds,
  type TableAction,
  tableActions,
  tableIdOf,
} from './support/table-access';
import { photoWithLocation, postToSlot } from './support/images';
import { connectionRecord, startTestStack } from './support/test-stack';
import { localPushToken, sendPush } from './support/wechat-push';

/** A route's declaration, by the handler file that serves it. */
interface Declared {
  readonly route: string;
  readonly tables: Partial<Record<TableId, TableAccess>>;
}

const DECLARED = new Map<string, Declared>([
  ...ROUTES.flatMap((r) =>
    r.integration.kind === 'lambda'
      ? [[r.integration.handler, { route: r.routeKey, tables: r.integration.tables }] as const]
      : [],
  ),
  ...HTTP_ROUTES.map(
    (r) => [r.handler, { route: `${r.method} ${r.path}`, tables: r.tables }] as const,
  ),
  // The stream consumers (the notifier: desk replied, a student waiting, the automatic reply).
  ...EVENT_SOURCES.map(
    (s) => [s.handler, { route: `${s.table} stream → ${s.id}`, tables: s.tables }] as const,
  ),
]);

/** A request's action on one table, attributed to the invocation that made it. */
interface Observed extends TableAction {
  readonly handler: string;
  readonly step: string;
}

let proxy: DynamoDbProxy;
let stack: LocalStack;
let db: DynamoDBClient;
const observed: Observed[] = [];
const unattributed: TableAction[] = [];
const clients: ChatTestClient[] = [];

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string) {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The invocations of `handler` that arrived during `step`. */
function invocationsOf(step: string, handler: string): InvocationRecord[] {
  return invocations().filter((i) => i.step === step && i.handler === handler);
}

/**
 * Runs one step: `act` drives a route, then the step lasts until an invocation of `handler`
 * (matching `also`, if given) has finished and nothing is queued or running any more.
 */
async function step<T>(
  label: string,
  handler: string,
  act: () => Promise<T>,
  also: () => boolean | Promise<boolean> = () => true,
): Promise<T> {
  await waitUntil(isIdle, `quiet before "${label}"`);
  beginStep(label);
  const result = await act();
  await waitUntil(
    () => invocationsOf(label, handler).some((i) => i.finished),
    `${handler} to finish in "${label}"`,
  );
  await waitUntil(also, `the end of "${label}"`);
  await waitUntil(isIdle, `quiet after "${label}"`);
  beginStep('(between steps)');
  return result;
}

/** Logs `name` in and connects it in a step of its own; returns the client and its connection. */
async function connectStep(label: string, name: string) {
  const { token } = await login(stack, name);
  const client = await step(label, 'connect', () =>
    ChatTestClient.connect(`${stack.urls.websocket}?token=${encodeURIComponent(token)}`),
  );
  clients.push(client);
  const connectionId = invocationsOf(label, 'connect')[0]?.connectionId ?? '';
  return { client, connectionId };
}

/** Closes a client and waits for its $disconnect and for its connection record to be gone. */
async function disconnectStep(label: string, client: ChatTestClient, connectionId: string) {
  await step(
    label,
    'disconnect',
    () => client.close(),
    async () =>
      invocationsOf(label, 'disconnect').some(
        (i) => i.finished && i.connectionId === connectionId,
      ) && (await connectionRecord(db, stack, connectionId)) === undefined,
  );
}

function request(client: ChatTestClient, label: string, frame: Record<string, unknown>) {
  return step(label, String(frame.action), () => client.request(frame));
}

const STALE_STEP = '$default: the reply finds its connection gone (410) and removes it';
const DEAD_SEND_STEP = 'sendmessage: a room send dies after taking its seq';
const HOLE_REPAIR_STEP = "sync: fills the dead send's old hole and puts its preview back";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // Prepare: the stack behind the proxy, every handler wrapped; the test's own reads and writes
  // go to DynamoDB directly, so every proxied request is a handler's.
  proxy = await startDynamoDbProxy({ target: inject('dynamodbEndpoint') });
  stack = await startTestStack({
    dynamodbEndpoint: proxy.endpoint,
    console: false,
    resolveHandler: () => SERIALIZED_HANDLER_URL,
  });
  db = new DynamoDBClient({ endpoint: inject('dynamodbEndpoint') });
  proxy.setInterceptor((request) => {
    const running = runningInvocation();
    for (const action of tableActions(request.operation, request.body)) {
      if (running) observed.push({ ...action, handler: running.handler, step: running.step });
      else unattributed.push(action);
    }
    // A room send that dies after taking its seq: its message and its filler fail.
    const dying =
      running?.step === DEAD_SEND_STEP &&
      (request.operation === 'TransactWriteItems' || request.operation === 'PutItem');
    return dying ? INTERNAL_SERVER_ERROR : undefined;
  });

  // Act: every route, one step at a time.
  await step('/login: a new student', 'login', () => login(stack, 'ta-sue'));
  await step('/login: a returning student', 'login', () => login(stack, 'ta-sue'));
  const admin = await connectStep('$connect: an admin', 'admin');
  const sue = await connectStep('$connect: a student (admins are told)', 'ta-sue');
  const support = 'support:ta-sue';

  await request(sue.client, 'conversations', { action: 'conversations' });
  const firstId = nextId('m');
  const first = { action: 'sendmessage', id: firstId, conversationId: support, text: 'hello' };
  await request(sue.client, 'sendmessage: first message of a new support conversation', first);
  await request(sue.client, 'sendmessage: the same frame id again (a resend)', first);
  await request(sue.client, 'sync', { action: 'sync', conversationId: support, after: 0 });
  await request(sue.client, 'search: a student', { action: 'search', query: 'hello' });
  await request(admin.client, 'search: the desk', { action: 'search', query: 'hello' });
  const slot = await request(sue.client, 'upload: an image slot', {
    action: 'upload',
    conversationId: support,
    contentType: 'image/jpeg',
    size: 1000,
  });
  await request(sue.client, 'imageurls: renew the URLs of an image', {
    action: 'imageurls',
    conversationId: support,
    keys: [slot.key],
  });
  // An image message: WeChat's check is submitted and its trace recorded (sendmessage), WeChat
  // checks the push URL, then pushes a risky verdict: the objects deleted, the tombstone, the
  // notices (wechat-push).
  stack.wechat.configure({ mediaVerdict: 'silent' });
  const photo = await photoWithLocation(200, 150);
  const photoSlot = await request(sue.client, 'upload: a slot for a photo', {
    action: 'upload',
    conversationId: support,
    contentType: 'image/jpeg',
    size: photo.length,
  });
  await postToSlot(photoSlot, photo, 'image/jpeg');
  await stack.s3.idle();
  await request(sue.client, 'sendmessage: an image (WeChat check submitted)', {
    action: 'sendmessage',
    id: nextId('m'),
    conversationId: support,
    text: '',
    image: { key: photoSlot.key, width: 150, height: 200, size: photo.length },
  });
  await step('GET /wechat-push: WeChat checks the URL', 'wechat-push-verify', () =>
    sendPush(stack, {}, localPushToken(), 'GET', { echostr: '42' }),
  );
  await step('POST /wechat-push: a risky verdict', 'wechat-push', () =>
    sendPush(
      stack,
      {
        MsgType: 'event',
        Event: 'wxa_media_check',
        trace_id: stack.wechat.media.calls.at(-1)?.traceId,
        version: 2,
        result: { suggest: 'risky', label: 20002 },
      },
      localPushToken(),
    ),
  );
  await step('typing', 'typing', async () =>
    sue.client.send({ action: 'typing', conversationId: support, typing: true }),
  );
  await step('appstate: the app goes to the background', 'appstate', async () =>
    sue.client.send({ action: 'appstate', state: 'background' }),
  );
  await step('appstate: and comes back', 'appstate', async () =>
    sue.client.send({ action: 'appstate', state: 'foreground' }),
  );
  await step('read', 'read', async () =>
    admin.client.send({ action: 'read', conversationId: support, seq: 1 }),
  );
  const created = await request(admin.client, 'createroom', {
    action: 'createroom',
    title: 'Access lab',
  });
  const roomId = (created.conversation as Frame).id as string;
  await request(sue.client, 'rooms', { action: 'rooms' });
  await request(sue.client, 'join', { action: 'join', conversationId: roomId });
  await request(sue.client, 'sendmessage: a room message', {
    action: 'sendmessage',
    id: nextId('m'),
    conversationId: roomId,
    text: 'hi room',
  });
  await request(sue.client, DEAD_SEND_STEP, {
    action: 'sendmessage',
    id: nextId('m'),
    conversationId: roomId,
    text: 'lost',
  });
  await sleep(SEQ_HOLE_AGE_MS + 100);
  await request(sue.client, HOLE_REPAIR_STEP, { action: 'sync', conversationId: roomId, after: 0 });
  await request(sue.client, 'leave', { action: 'leave', conversationId: roomId });
  await request(sue.client, 'subscription', {
    action: 'subscription',
    id: nextId('s'),
    template: 'deskReplied',
    result: 'accept',
  });
  const answer = await request(admin.client, 'sendmessage: the desk answers', {
    action: 'sendmessage',
    id: nextId('m'),
    conversationId: support,
    text: 'we are open',
  });
  const answerSeq = (answer.message as Frame).seq as number;
  const reported = await request(sue.client, 'report', {
    action: 'report',
    conversationId: support,
    seq: answerSeq,
    reason: 'spam',
  });
  await request(sue.client, 'report: the same report again', {
    action: 'report',
    conversationId: support,
    seq: answerSeq,
    reason: 'spam',
  });
  await request(admin.client, 'reports', { action: 'reports' });
  await request(admin.client, 'dismissreport', {
    action: 'dismissreport',
    reportId: reported.reportId,
  });
  await request(sue.client, 'recall', { action: 'recall', conversationId: support, seq: 1 });
  await request(sue.client, 'recall: again (idempotent)', {
    action: 'recall',
    conversationId: support,
    seq: 1,
  });
  await request(admin.client, 'remove', {
    action: 'remove',
    conversationId: support,
    seq: answerSeq,
    reason: 'test',
  });
  // The desk's workflow: claim, release, claim again, hand over to a colleague, resolve.
  await request(admin.client, 'claim', { action: 'claim', conversationId: support });
  await request(admin.client, 'release', { action: 'release', conversationId: support });
  await request(admin.client, 'claim: again', { action: 'claim', conversationId: support });
  await step('/login: a colleague', 'login', () => login(stack, 'admin2'));
  await request(admin.client, 'transfer: to the colleague', {
    action: 'transfer',
    conversationId: support,
    to: 'admin2',
  });
  await request(admin.client, 'resolve', { action: 'resolve', conversationId: support });
  // Canned replies: one saved, listed, deleted.
  const saved = await request(admin.client, 'savecannedreply', {
    action: 'savecannedreply',
    title: '开放时间',
    text: '自习室 8:30–22:00 开放。',
  });
  await request(admin.client, 'cannedreplies', { action: 'cannedreplies' });
  const replyId = ((saved.replies as Frame[])[0] as Frame).replyId;
  await request(admin.client, 'deletecannedreply', { action: 'deletecannedreply', replyId });
  await step('/login: a student the desk will block', 'login', () => login(stack, 'ta-bo'));
  await request(admin.client, 'block', { action: 'block', userId: 'ta-bo', blocked: true });
  await request(admin.client, 'block: unblock', {
    action: 'block',
    userId: 'ta-bo',
    blocked: false,
  });
  // Staff management (functions/domain/staff.ts): the list, an add and a removal, away and back,
  // the audit log.
  await request(admin.client, 'staff', { action: 'staff' });
  await request(admin.client, 'setstaff: add', {
    action: 'setstaff',
    op: 'add',
    userId: 'ta-bo',
    role: 'staff',
  });
  await request(admin.client, 'setstaff: remove', {
    action: 'setstaff',
    op: 'remove',
    userId: 'ta-bo',
  });
  await request(admin.client, 'setaway', { action: 'setaway', away: true });
  await request(admin.client, 'setaway: back', { action: 'setaway', away: false });
  await request(admin.client, 'staffaudit', { action: 'staffaudit' });
  // Invitations by scan (functions/domain/staff-invites.ts): a manager's code, viewed and accepted
  // by a student (whose connections then close).
  const invite = await request(admin.client, 'createinvite', {
    action: 'createinvite',
    role: 'staff',
  });
  const invitee = await connectStep('$connect: an invitee', 'ta-yi');
  await request(invitee.client, 'viewinvite', { action: 'viewinvite', code: invite.code });
  await request(invitee.client, 'acceptinvite', { action: 'acceptinvite', code: invite.code });
  // Scan to log in: a ticket, its view and approval from the mini-program, the console's
  // collection, a console connection, the web sessions list and a sign-out.
  const ticket = await step('POST /weblogin', 'weblogin-create', async () => {
    const response = await fetch(`${stack.urls.http}/weblogin`, { method: 'POST' });
    return (await response.json()) as { ticket: string; pollSecret: string };
  });
  const poll = () =>
    fetch(`${stack.urls.http}/weblogin/${ticket.ticket}`, {
      headers: { authorization: `Bearer ${ticket.pollSecret}` },
    }).then((r) => r.json() as Promise<Frame>);
  await step('GET /weblogin/{ticket}: pending', 'weblogin-poll', poll);
  await request(admin.client, 'webloginview', {
    action: 'webloginview',
    id: nextId('w'),
    ticket: ticket.ticket,
  });
  await request(admin.client, 'webloginanswer', {
    action: 'webloginanswer',
    id: nextId('w'),
    ticket: ticket.ticket,
    approve: true,
  });
  const collected = await step('GET /weblogin/{ticket}: collected', 'weblogin-poll', poll);
  const desk = await step('$connect: a console token', 'connect', () =>
    ChatTestClient.connect(
      `${stack.urls.websocket}?token=${encodeURIComponent(String(collected.token))}`,
    ),
  );
  clients.push(desk);
  // Export and figures (functions/domain/export.ts) with the console token: a manager's CSV with
  // the message text reads the web session, the desk's record by day and the messages.
  await step('GET /export: a manager, CSV with text', 'export', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const response = await fetch(
      `${stack.urls.http}/export?from=${today}&to=${today}&format=csv&text=1`,
      { headers: { authorization: `Bearer ${String(collected.token)}` } },
    );
    if (response.status !== 200) throw new Error(`export: ${response.status}`);
    return response.text();
  });
  const listed = await request(admin.client, 'websessions', {
    action: 'websessions',
    id: nextId('w'),
  });
  const sessions = listed.sessions as Frame[];
  await step(
    'websignout',
    'websignout',
    () =>
      admin.client.request({
        action: 'websignout',
        id: nextId('w'),
        sessionId: String(sessions[0]?.sessionId),
      }),
    () => invocations().some((i) => i.step === 'websignout' && i.handler === 'disconnect'),
  );

  await step('$default: an unknown action', 'default', () =>
    sue.client.request({ action: 'no-such-action' }),
  );

  // A connection whose reply the gateway answers 410 (it vanished): $default removes its
  // record. The record is made older than the grace period for connections still in $connect,
  // so the cleanup goes all the way (read, subscriptions, record).
  const tom = await connectStep('$connect: a student whose connection goes stale', 'ta-tom');
  await db.send(
    new UpdateItemCommand({
      TableName: stack.tables.connections,
      Key: { connectionId: { S: tom.connectionId } },
      UpdateExpression: 'SET connectedAt = :old',
      ExpressionAttributeValues: { ':old': { N: String(Date.now() - 120_000) } },
    }),
  );
  stack.gateway.setPostFaults((id) => (id === tom.connectionId ? { status: 410 } : undefined));
  try {
    await step(
      STALE_STEP,
      'default',
      async () => {
        tom.client.send({ action: 'no-such-action', id: nextId('x') });
        await tom.client.waitClosed();
      },
      () =>
        invocationsOf(STALE_STEP, 'disconnect').some(
          (i) => i.finished && i.connectionId === tom.connectionId,
        ),
    );
  } finally {
    stack.gateway.setPostFaults(undefined);
  }

  await disconnectStep('$disconnect: a student (admins are told)', sue.client, sue.connectionId);
  await disconnectStep('$disconnect: an admin', admin.client, admin.connectionId);
});

afterAll(async () => {
  for (const client of clients) await client.close();
  await stack?.stop();
  await proxy?.stop();
  db?.destroy();
});

/** `declares connections: 'write'` or `declares no access to connections`. */
function declaration(declared: Declared | undefined, table: TableId | undefined, physical: string) {
  if (!table) return `names a table that is not in functions/tables.ts (${physical})`;
  const access = declared?.tables[table];
  return access
    ? `functions/routes.ts declares ${table}: '${access}'`
    : `functions/routes.ts declares no access to ${table}`;
}

describe('table access of every Lambda route', () => {
  it('stays within what functions/routes.ts declares (what the stack grants on AWS)', () => {
    // Assess
    const violations = new Set<string>();
    for (const o of observed) {
      const declared = DECLARED.get(o.handler);
      const table = tableIdOf(stack.tables, o.table);
      const access = table ? declared?.tables[table] : undefined;
      if (allows(access, o.kind)) continue;
      const via = o.operation === o.action ? '' : ` (in ${o.operation})`;
      const needs = o.kind ? `${o.kind} access` : 'an action this test does not classify';
      violations.add(
        `${declared?.route ?? o.handler} [${o.step}]: ${o.action}${via} on ${table ?? o.table} ` +
          `needs ${needs}, but ${declaration(declared, table, o.table)}`,
      );
    }
    expect([...violations], [...violations].join('\n')).toEqual([]);
  });

  it('attributes every DynamoDB request to the invocation that made it', () => {
    // Assess: the proxy saw handler requests, and none outside an invocation.
    expect(observed.length).toBeGreaterThan(0);
    expect(unattributed).toEqual([]);
  });

  it('exercised every Lambda route (and reports declared access none of them used)', () => {
    // Assess
    const invoked = new Set(invocations().map((i) => i.handler));
    const missing = [...DECLARED].filter(([handler]) => !invoked.has(handler)).map(([, d]) => d);
    const unused: string[] = [];
    for (const [handler, declared] of DECLARED) {
      for (const [table, access] of Object.entries(declared.tables) as [TableId, TableAccess][]) {
        const kinds = grantedKinds(access).filter(
          (kind) =>
            !observed.some(
              (o) => o.handler === handler && o.kind === kind && stack.tables[table] === o.table,
            ),
        );
        if (kinds.length > 0) unused.push(`${declared.route}: ${table} ${kinds.join('+')}`);
      }
    }
    expect(
      missing.map((d) => d.route),
      `declared but not used in this run (not a failure):\n${unused.join('\n')}`,
    ).toEqual([]);
  });

  it("ran the message push's risky-picture path to the end", () => {
    // Assess: the verdict found its message and made the tombstone.
    const push = observed
      .filter((o) => o.step === 'POST /wechat-push: a risky verdict' && o.handler === 'wechat-push')
      .map((o) => `${o.action} ${tableIdOf(stack.tables, o.table)}`);
    expect(push).toEqual(
      expect.arrayContaining([
        'UpdateItem messages',
        'PutItem moderation',
        'UpdateItem moderation',
      ]),
    );
  });

  it("ran sync's hole repair to the end", () => {
    // Assess: the old hole got its filler and the room its preview back.
    const repair = observed
      .filter((o) => o.step === HOLE_REPAIR_STEP && o.handler === 'sync')
      .map((o) => `${o.action} ${tableIdOf(stack.tables, o.table)}`);
    expect(repair).toEqual(
      expect.arrayContaining(['PutItem messages', 'UpdateItem conversations']),
    );
  });

  it("ran $default's stale-connection cleanup to the end", () => {
    // Assess: the scenario really exercised the path the 410 leads to.
    const cleanup = observed
      .filter((o) => o.step === STALE_STEP && o.handler === 'default')
      .map((o) => `${o.action} ${tableIdOf(stack.tables, o.table)}`);
    expect(cleanup).toEqual(
      expect.arrayContaining(['GetItem connections', 'DeleteItem connections']),
    );
  });
});
