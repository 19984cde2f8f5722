/**
 * Export and figures against the local stack (docs/protocol.md "Export and figures"): a student's
 * conversation is claimed, answered and resolved over real WebSockets, then `GET /export` answers
 * it as CSV (BOM, header, formula guard) and JSON, the figures count it, message text goes only to
 * a manager who asks, a student is refused, and a range past the bound gets 413 TOO_LARGE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../local/local-stack';
import { MAX_EXPORT_DAYS } from '../protocol/export';
import { ChatTestClient, login } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
const open: ChatTestClient[] = [];
const tokens = new Map<string, string>();
/** Today on the campus clock (Asia/Shanghai, no DST). */
const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

async function connect(name: string, displayName?: string): Promise<ChatTestClient> {
  const { token } = await login(stack, name, displayName);
  tokens.set(name, token);
  const client = await ChatTestClient.connect(
    `${stack.urls.websocket}?token=${encodeURIComponent(token)}`,
  );
  open.push(client);
  return client;
}

function exportAs(name: string, query: string): Promise<Response> {
  return fetch(`${stack.urls.http}/export?${query}`, {
    headers: { authorization: `Bearer ${tokens.get(name) ?? ''}` },
  });
}

beforeAll(async () => {
  stack = await startTestStack({
    console: false,
    env: { ADMINS: 'boss', DESK_HOURS: 'Mon-Sun 00:00-24:00' },
  });
  // Prepare: a manager (boss), a staff member (tina), a student whose name starts like a formula.
  const boss = await connect('boss', '张主任');
  await connect('tina', '唐老师');
  const added = await boss.request({
    action: 'setstaff',
    op: 'add',
    userId: 'tina',
    role: 'staff',
  });
  expect(added.type).toBe('staff');
  await login(stack, 'tina', '唐老师').then(({ token }) => tokens.set('tina', token));
  const student = await connect('exp-stu', '=小明');
  const id = 'support:exp-stu';
  expect(
    (await student.request({ action: 'sendmessage', conversationId: id, text: '在吗，"急"' })).type,
  ).toBe('ack');
  expect((await boss.request({ action: 'claim', conversationId: id })).type).not.toBe('error');
  expect(
    (await boss.request({ action: 'sendmessage', conversationId: id, text: '你好，请讲' })).type,
  ).toBe('ack');
  expect((await boss.request({ action: 'resolve', conversationId: id })).type).not.toBe('error');
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack?.stop();
});

describe('export', () => {
  it('answers CSV for spreadsheets: BOM, Chinese header, guarded and quoted cells', async () => {
    // Act
    const response = await exportAs('tina', `from=${today}&to=${today}&format=csv`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('.csv');
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, row] = text.slice(1).split('\r\n');
    expect(header).toBe('会话 ID,学生,开始时间,状态,负责人,首次响应（秒）,解决时间,消息数');
    expect(row).toContain("support:exp-stu,'=小明,");
    expect(row).toContain(',张主任,');
    expect(row).toMatch(/^support:exp-stu,'=小明,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,/);
    expect(text).not.toContain('在吗');
  });

  it('answers JSON with times on the campus clock, owner, first response and resolution', async () => {
    // Act
    const response = await exportAs('tina', `from=${today}&to=${today}&format=json`);
    const document = (await response.json()) as {
      timeZone: string;
      conversations: Record<string, unknown>[];
    };
    // Assess
    expect(response.status).toBe(200);
    expect(document.timeZone).toBe('Asia/Shanghai');
    const one = document.conversations.find((c) => c.conversationId === 'support:exp-stu');
    expect(one).toMatchObject({
      studentName: '=小明',
      state: 'resolved',
      ownerName: '张主任',
      firstResponseSeconds: expect.any(Number),
      startedAt: expect.stringMatching(/\+08:00$/),
      resolvedAt: expect.stringMatching(/\+08:00$/),
    });
    expect(one?.messages).toBeUndefined();
  });

  it('gives message text to a manager who asks, and refuses it to a staff member', async () => {
    // Act
    const manager = await exportAs('boss', `from=${today}&to=${today}&format=json&text=1`);
    const staff = await exportAs('tina', `from=${today}&to=${today}&format=csv&text=1`);
    // Assess
    expect(manager.status).toBe(200);
    const document = (await manager.json()) as {
      conversations: { messages?: { text: string }[] }[];
    };
    const texts = document.conversations.flatMap((c) => (c.messages ?? []).map((m) => m.text));
    expect(texts).toEqual(expect.arrayContaining(['在吗，"急"', '你好，请讲']));
    expect(staff.status).toBe(403);
    expect(await staff.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
  });

  it('counts the figures: conversations per day, resolved share, median first response', async () => {
    // Act
    const response = await exportAs('boss', `from=${today}&to=${today}&format=stats`);
    const stats = (await response.json()) as Record<string, unknown> & { days: unknown[] };
    // Assess
    expect(response.status).toBe(200);
    expect(stats).toMatchObject({
      conversations: 1,
      resolved: 1,
      resolvedShare: 1,
      medianFirstResponseSeconds: expect.any(Number),
    });
    expect(stats.days).toEqual([expect.objectContaining({ date: today, conversations: 1 })]);
  });

  it('refuses a student, a missing token, and a range past the bound', async () => {
    // Act
    const student = await exportAs('exp-stu', `from=${today}&to=${today}`);
    const anonymous = await fetch(`${stack.urls.http}/export?from=${today}&to=${today}`);
    const from = new Date(Date.parse(`${today}T00:00:00Z`) - MAX_EXPORT_DAYS * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const tooLong = await exportAs('boss', `from=${from}&to=${today}&format=stats`);
    const bad = await exportAs('boss', `from=${today}&to=2026-02-30`);
    // Assess
    expect(student.status).toBe(403);
    expect(anonymous.status).toBe(401);
    expect(tooLong.status).toBe(413);
    expect(await tooLong.json()).toMatchObject({ error: { code: 'TOO_LARGE' } });
    expect(bad.status).toBe(400);
  });
});
