/**
 * Invitations to the staff by scan over real WebSockets against the local stack (docs/protocol.md
 * "Staff management"): a manager's code shows who invites to which role; a student who accepts is
 * on the staff (audit change `invite`, actor the manager), their student connection closes and
 * their next login is staff's; a code is used once, expires, dies with its manager's rights, and
 * only managers create them, a bounded number at a time.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { MAX_STAFF_INVITES, STAFF_INVITE_SECONDS } from '../protocol/staff-invites';
import { ChatTestClient, type Frame, login } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
let db: DynamoDBDocumentClient;
const open: ChatTestClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    env: { ADMINS: 'boss', FRAME_BURST: '1000', FRAME_PER_SECOND: '1000' },
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

type Member = { userId: string; role: string; addedBy: string };
const members = (frame: Frame) => frame.staff as Member[];

async function invite(manager: ChatTestClient, role = 'staff'): Promise<string> {
  const frame = await manager.request({ action: 'createinvite', role });
  expect(frame.type).toBe('invite');
  return frame.code as string;
}

describe('invitations to the staff by scan', () => {
  it('a student who accepts a manager’s invitation joins the staff and logs in again as staff', async () => {
    // Prepare: the manager's desk connection; a student with an open connection.
    const boss = await connect('boss', '张主任');
    const student = await connect('xiaohong', '小红');
    const before = Date.now();

    // Act
    const created = await boss.request({ action: 'createinvite', role: 'manager' });
    const viewed = await student.request({ action: 'viewinvite', code: created.code });
    const pushed = boss.waitNew(
      (f) => f.type === 'staff' && members(f).some((m) => m.userId === 'xiaohong'),
    );
    const accepted = await student.request({ action: 'acceptinvite', code: created.code });
    const closed = await student.waitClosed();
    const list = await pushed;
    const relogin = await login(stack, 'xiaohong');
    const audit = await boss.request({ action: 'staffaudit' });

    // Assess
    expect(created).toMatchObject({
      type: 'invite',
      role: 'manager',
      inviterId: 'boss',
      inviterName: '张主任',
    });
    expect(created.code).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const ttl = Date.parse(created.expiresAt as string) - before;
    expect(ttl).toBeGreaterThan((STAFF_INVITE_SECONDS - 60) * 1000);
    expect(ttl).toBeLessThanOrEqual((STAFF_INVITE_SECONDS + 1) * 1000);
    expect(viewed).toMatchObject({ type: 'invite', role: 'manager', inviterName: '张主任' });
    expect(accepted).toMatchObject({ type: 'invited', role: 'manager', inviterName: '张主任' });
    expect(closed).toBeDefined();
    expect(members(list).find((m) => m.userId === 'xiaohong')).toMatchObject({
      role: 'manager',
      addedBy: 'boss',
    });
    expect(relogin.user.role).toBe('admin');
    expect((audit.entries as Frame[])[0]).toMatchObject({
      change: 'invite',
      actorId: 'boss',
      actorName: '张主任',
      targetId: 'xiaohong',
      targetName: '小红',
      role: 'manager',
    });
  });

  it('refuses a used code, someone already staff, a non-manager, a bad code', async () => {
    const boss = await connect('boss');
    const code = await invite(boss);
    const first = await connect('xiaoli');
    expect((await first.request({ action: 'acceptinvite', code })).type).toBe('invited');
    const another = await connect('xiaozhang');
    const staffMember = await connect('xiaoli');
    const fresh = await invite(boss);

    const replies = await Promise.all([
      another.request({ action: 'acceptinvite', code }),
      another.request({ action: 'viewinvite', code }),
      boss.request({ action: 'acceptinvite', code: fresh }),
      staffMember.request({ action: 'acceptinvite', code: fresh }),
      another.request({ action: 'createinvite', role: 'staff' }),
      staffMember.request({ action: 'createinvite', role: 'staff' }),
      another.request({ action: 'viewinvite', code: 'not-a-code' }),
      another.request({ action: 'viewinvite', code: 'A'.repeat(22) }),
    ]);

    expect(replies.map((r) => r.code)).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'CONFLICT',
      'CONFLICT',
      'FORBIDDEN',
      'FORBIDDEN',
      'BAD_REQUEST',
      'NOT_FOUND',
    ]);
    // The fresh code is still good for someone else.
    expect((await another.request({ action: 'viewinvite', code: fresh })).type).toBe('invite');
  });

  it('refuses an expired code and one whose manager was demoted', async () => {
    const boss = await connect('boss');
    const expired = await invite(boss);
    // Expired: its expiry in the past (DynamoDB's TTL deletes it some time later, not at once).
    await db.send(
      new UpdateCommand({
        TableName: stack.tables.staffInvites,
        Key: { list: 'invite', code: expired },
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    await boss.request({ action: 'setstaff', op: 'add', userId: 'xiaozhang', role: 'manager' });
    const zhang = await connect('xiaozhang');
    const orphan = await invite(zhang);
    await boss.request({ action: 'setstaff', op: 'setrole', userId: 'xiaozhang', role: 'staff' });
    const student = await connect('xiaowu');

    const replies = await Promise.all([
      student.request({ action: 'viewinvite', code: expired }),
      student.request({ action: 'acceptinvite', code: expired }),
      student.request({ action: 'viewinvite', code: orphan }),
      student.request({ action: 'acceptinvite', code: orphan }),
    ]);

    expect(replies.map((r) => r.code)).toEqual([
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
      'NOT_FOUND',
    ]);
    const list = await boss.request({ action: 'staff' });
    expect(members(list).some((m) => m.userId === 'xiaowu')).toBe(false);
  });

  it(`keeps at most ${MAX_STAFF_INVITES} invitations outstanding`, async () => {
    const boss = await connect('boss');
    const { Items } = await db.send(
      new QueryCommand({
        TableName: stack.tables.staffInvites,
        KeyConditionExpression: '#list = :list',
        ExpressionAttributeNames: { '#list': 'list' },
        ExpressionAttributeValues: { ':list': 'invite' },
      }),
    );
    const now = Date.now() / 1000;
    const live = (Items ?? []).filter((i) => Number(i.expiresAt) > now).length;

    const created = [];
    for (let i = live; i < MAX_STAFF_INVITES; i++) created.push(await invite(boss));
    const refused = await boss.request({ action: 'createinvite', role: 'staff' });

    expect(new Set(created).size).toBe(MAX_STAFF_INVITES - live);
    expect(refused).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    expect(refused.retryAfterMs).toBeGreaterThan(0);
  });
});
