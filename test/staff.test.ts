/**
 * Staff management over real WebSockets against the local stack (docs/protocol.md "Staff
 * management"): ADMINS seeds the first manager, a manager adds a staff member who can then claim,
 * a removal ends that member's admin access on an open connection (at once on the instance that
 * made it, within IDENTITY_CACHE_SECONDS elsewhere), only managers change the staff, the audit
 * log shows every change, and a staff member who is away does not count as the desk being online
 * (the student gets the automatic reply).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { ChatTestClient, type Frame, login } from './support/chat-client';
import { startTestStack } from './support/test-stack';

// IDENTITY_CACHE_SECONDS=1: the bound the tests wait past (never a timing assertion).
const BOUND_MS = 1000;
let stack: LocalStack;
let db: DynamoDBDocumentClient;
const open: ChatTestClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    env: {
      ADMINS: 'boss',
      IDENTITY_CACHE_SECONDS: '1',
      DESK_HOURS: 'Mon-Sun 00:00-24:00',
      FRAME_BURST: '1000',
      FRAME_PER_SECOND: '1000',
    },
  });
  db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' }),
  );
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
  db.destroy();
});

async function connect(name: string, displayName?: string): Promise<ChatTestClient> {
  const { token } = await login(stack, name, displayName);
  const client = await ChatTestClient.connect(
    `${stack.urls.websocket}?token=${encodeURIComponent(token)}`,
  );
  open.push(client);
  return client;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Member = { userId: string; name: string; role: string; status: string; addedBy: string };
const members = (frame: Frame) => frame.staff as Member[];

async function supportConversation(name: string): Promise<{ student: ChatTestClient; id: string }> {
  const student = await connect(name, '小明');
  const id = `support:${name}`;
  const ack = await student.request({ action: 'sendmessage', conversationId: id, text: '在吗' });
  expect(ack.type).toBe('ack');
  return { student, id };
}

describe('staff management', () => {
  it('seeds the first manager from ADMINS, who adds a staff member who can then claim', async () => {
    // Prepare: tina logged in once as a student; her open connection is a student's.
    const boss = await connect('boss', '张主任');
    const tinaBefore = await connect('tina', '唐老师');
    const { id } = await supportConversation('stu1');

    // Act
    const seeded = await boss.request({ action: 'staff' });
    const added = await boss.request({
      action: 'setstaff',
      op: 'add',
      userId: 'tina',
      role: 'staff',
    });
    const oldClaim = await tinaBefore.request({ action: 'claim', conversationId: id });
    const tina = await connect('tina');
    const claim = await tina.request({ action: 'claim', conversationId: id });

    // Assess
    expect(members(seeded)).toEqual([
      expect.objectContaining({
        userId: 'boss',
        role: 'manager',
        status: 'active',
        addedBy: 'ADMINS',
      }),
    ]);
    expect(members(added).map((m) => [m.userId, m.role, m.name, m.addedBy])).toEqual([
      ['boss', 'manager', '张主任', 'ADMINS'],
      ['tina', 'staff', '唐老师', 'boss'],
    ]);
    // The connection opened as a student has the student's subscriptions: it is told to reconnect.
    expect(oldClaim).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(claim).toMatchObject({ type: 'deskstate', state: 'claimed', ownerName: '唐老师' });
  });

  it('lets only managers change the staff or read the audit log, and keeps one manager', async () => {
    const boss = await connect('boss');
    const tina = await connect('tina');
    const student = await connect('stu2');

    const replies = await Promise.all([
      tina.request({ action: 'setstaff', op: 'add', userId: 'stu2', role: 'manager' }),
      tina.request({ action: 'staffaudit' }),
      student.request({ action: 'setstaff', op: 'setrole', userId: 'tina', role: 'manager' }),
      student.request({ action: 'staff' }),
      student.request({ action: 'setaway', away: true }),
      boss.request({ action: 'setstaff', op: 'remove', userId: 'boss' }),
      boss.request({ action: 'setstaff', op: 'add', userId: 'never-logged-in', role: 'staff' }),
      boss.request({ action: 'setstaff', op: 'add', userId: 'tina', role: 'staff' }),
      boss.request({ action: 'setstaff', op: 'promote', userId: 'tina' }),
      boss.request({ action: 'staffaudit', before: 'not-a-cursor' }),
    ]);

    expect(replies.map((r) => r.code)).toEqual([
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'FORBIDDEN',
      'CONFLICT',
      'NOT_FOUND',
      'CONFLICT',
      'BAD_REQUEST',
      'BAD_REQUEST',
    ]);
    const list = await boss.request({ action: 'staff' });
    expect(members(list).map((m) => [m.userId, m.role])).toEqual([
      ['boss', 'manager'],
      ['tina', 'staff'],
    ]);
  });

  it('promotes and demotes: a demoted manager cannot change the staff any more', async () => {
    const boss = await connect('boss');
    const tina = await connect('tina');

    const promoted = await boss.request({
      action: 'setstaff',
      op: 'setrole',
      userId: 'tina',
      role: 'manager',
    });
    const asManager = await tina.request({ action: 'staffaudit' });
    const demoted = await boss.request({
      action: 'setstaff',
      op: 'setrole',
      userId: 'tina',
      role: 'staff',
    });
    const afterDemotion = await tina.request({
      action: 'setstaff',
      op: 'setrole',
      userId: 'boss',
      role: 'staff',
    });

    expect(members(promoted).find((m) => m.userId === 'tina')?.role).toBe('manager');
    expect(asManager.type).toBe('staffaudit');
    expect(members(demoted).find((m) => m.userId === 'tina')?.role).toBe('staff');
    expect(afterDemotion).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
  });

  it('a removal closes the member’s open desk connections, and a new one is a student’s', async () => {
    // Prepare: rita is staff with the console open, subscribed to the desk's traffic.
    const boss = await connect('boss');
    await connect('rita', '林老师');
    await boss.request({ action: 'setstaff', op: 'add', userId: 'rita', role: 'staff' });
    const rita = await connect('rita');
    const { student, id } = await supportConversation('stu3');
    await rita.next((f) => f.type === 'message' && (f.message as Frame).conversationId === id);

    // Act
    await boss.request({ action: 'setstaff', op: 'remove', userId: 'rita' });
    const closed = await rita.waitClosed();
    await student.request({ action: 'sendmessage', conversationId: id, text: '还有人吗' });
    const again = await connect('rita');
    const claim = await again.request({ action: 'claim', conversationId: id });

    // Assess
    expect(closed).toBeDefined();
    expect(rita.messages(id).map((f) => (f.message as Frame).text)).toEqual(['在吗']);
    expect(claim).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
  });

  it('a removal made elsewhere ends an open connection’s rights within IDENTITY_CACHE_SECONDS', async () => {
    // Prepare: sam is staff with an open desk connection whose identity the claim function has
    // cached; then his staff item goes away without this stack's setstaff (as another function
    // instance's change does: nothing closes his connection).
    const boss = await connect('boss');
    await connect('sam', '孙老师');
    await boss.request({ action: 'setstaff', op: 'add', userId: 'sam', role: 'staff' });
    const sam = await connect('sam');
    const first = await supportConversation('stu4');
    const second = await supportConversation('stu5');
    expect((await sam.request({ action: 'claim', conversationId: first.id })).type).toBe(
      'deskstate',
    );
    await db.send(
      new DeleteCommand({ TableName: stack.tables.staff, Key: { list: 'staff', key: 'sam' } }),
    );

    // Act: past the bound, a claim on the same open connection.
    await pause(BOUND_MS + 200);
    const claim = await sam.request({ action: 'claim', conversationId: second.id });
    const closed = await sam.waitClosed();

    // Assess
    expect(claim).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    expect(closed).toBeDefined();
  });

  it('records every change in the audit log, newest first, with who did it', async () => {
    const boss = await connect('boss');

    const page = await boss.request({ action: 'staffaudit' });

    const entries = page.entries as {
      change: string;
      actorName: string;
      targetId: string;
      role?: string;
    }[];
    const times = (page.entries as { at: string }[]).map((e) => e.at);
    expect(times).toEqual([...times].sort().reverse());
    expect(entries.map((e) => [e.change, e.actorName, e.targetId, e.role]).reverse()).toEqual([
      ['seed', 'ADMINS', 'boss', 'manager'],
      ['add', '张主任', 'tina', 'staff'],
      ['promote', '张主任', 'tina', 'manager'],
      ['demote', '张主任', 'tina', 'staff'],
      ['add', '张主任', 'rita', 'staff'],
      ['remove', '张主任', 'rita', undefined],
      ['add', '张主任', 'sam', 'staff'],
    ]);
  });

  it('an away staff member does not count as the desk being online: the student gets the automatic reply', async () => {
    // Prepare: only tina has the desk open (every other desk connection is closed).
    await Promise.all(open.splice(0).map((c) => c.close()));
    const tina = await connect('tina');

    // Act
    const away = await tina.request({ action: 'setaway', away: true });
    const absent = await supportConversation('stu7');
    const reply = await absent.student.next(
      (f) => f.type === 'message' && (f.message as Frame).kind === 'auto',
      15_000,
      'the automatic reply',
    );
    const back = await tina.request({ action: 'setaway', away: false });

    // Assess
    expect(members(away).find((m) => m.userId === 'tina')?.status).toBe('away');
    expect((reply.message as Frame).conversationId).toBe(absent.id);
    expect(members(back).find((m) => m.userId === 'tina')?.status).toBe('active');
  });
});
