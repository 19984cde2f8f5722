/**
 * The desk's shared canned replies (常用语) over real WebSockets against the local stack: add,
 * edit, delete, seen live by every admin; bounded in count (also when staff add at once) and
 * length; checked by content security; closed to students.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_CANNED_REPLIES,
  MAX_CANNED_REPLY_CHARS,
  MAX_CANNED_TITLE_CHARS,
} from '../protocol/desk';
import type { LocalStack } from '../local/local-stack';
import { ChatTestClient, type Frame, login } from './support/chat-client';
import { startTestStack } from './support/test-stack';

let stack: LocalStack;
const open: ChatTestClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({
    env: { ADMINS: 'admin,wang,li', FRAME_BURST: '1000', FRAME_PER_SECOND: '1000' },
  });
});

afterAll(async () => {
  await Promise.all(open.map((c) => c.close()));
  await stack.stop();
});

async function connect(name: string, displayName?: string): Promise<ChatTestClient> {
  const { token } = await login(stack, name, displayName);
  const client = await ChatTestClient.connect(
    `${stack.urls.websocket}?token=${encodeURIComponent(token)}`,
  );
  open.push(client);
  return client;
}

type Reply = { replyId: string; title: string; text: string; updatedByName: string };

function replies(frame: Frame): Reply[] {
  return frame.replies as Reply[];
}

describe('canned replies', () => {
  it('add, edit and delete, each seen live by the other staff', async () => {
    const wang = await connect('wang', '王老师');
    const li = await connect('li', '李老师');
    const liSeesAdd = li.waitNew(
      (f) => f.type === 'cannedreplies' && replies(f).some((r) => r.title === '开放时间'),
    );
    const added = await wang.request({
      action: 'savecannedreply',
      title: ' 开放时间 ',
      text: '自习室每天 8:00–22:00 开放。',
    });
    expect(added.type).toBe('cannedreplies');
    const reply = replies(added).find((r) => r.title === '开放时间') as Reply;
    expect(reply).toMatchObject({ text: '自习室每天 8:00–22:00 开放。', updatedByName: '王老师' });
    await liSeesAdd;

    const edited = await li.request({
      action: 'savecannedreply',
      replyId: reply.replyId,
      title: '开放时间',
      text: '自习室每天 7:30–22:30 开放。',
    });
    expect(replies(edited).find((r) => r.replyId === reply.replyId)).toMatchObject({
      text: '自习室每天 7:30–22:30 开放。',
      updatedByName: '李老师',
    });
    const listed = await wang.request({ action: 'cannedreplies' });
    expect(replies(listed).find((r) => r.replyId === reply.replyId)?.text).toContain('7:30');

    const deleted = await wang.request({ action: 'deletecannedreply', replyId: reply.replyId });
    expect(replies(deleted).some((r) => r.replyId === reply.replyId)).toBe(false);
    // Idempotent; editing a deleted one is NOT_FOUND.
    expect((await wang.request({ action: 'deletecannedreply', replyId: reply.replyId })).type).toBe(
      'cannedreplies',
    );
    const gone = await wang.request({
      action: 'savecannedreply',
      replyId: reply.replyId,
      title: 'x',
      text: 'y',
    });
    expect(gone).toMatchObject({ type: 'error', code: 'NOT_FOUND' });
  });

  it('bounds title and text length, refuses blank ones and what content security flags', async () => {
    const wang = await connect('wang', '王老师');
    const cases: [Record<string, unknown>, string][] = [
      [{ title: '长'.repeat(MAX_CANNED_TITLE_CHARS + 1), text: 'ok' }, 'TOO_LARGE'],
      [{ title: 'ok', text: '长'.repeat(MAX_CANNED_REPLY_CHARS + 1) }, 'TOO_LARGE'],
      [{ title: '   ', text: 'ok' }, 'BAD_REQUEST'],
      [{ title: 'ok', text: '' }, 'BAD_REQUEST'],
      [{ title: 'ok', text: 'a\u202Eb' }, 'BAD_REQUEST'],
      [{ title: 'ok', text: '这里有违规测试词' }, 'CONTENT_REJECTED'],
    ];
    for (const [fields, code] of cases) {
      const answer = await wang.request({ action: 'savecannedreply', ...fields });
      expect(answer, JSON.stringify(fields)).toMatchObject({ type: 'error', code });
    }
    const exact = await wang.request({
      action: 'savecannedreply',
      title: '长'.repeat(MAX_CANNED_TITLE_CHARS),
      text: '长'.repeat(MAX_CANNED_REPLY_CHARS),
    });
    expect(exact.type).toBe('cannedreplies');
  });

  it(`keeps at most ${MAX_CANNED_REPLIES}, also when two staff add at once`, async () => {
    const wang = await connect('wang', '王老师');
    const li = await connect('li', '李老师');
    const before = replies(await wang.request({ action: 'cannedreplies' })).length;
    // Fill all but one place, then two staff race for the last one.
    for (let i = before; i < MAX_CANNED_REPLIES - 1; i++) {
      const filled = await wang.request({
        action: 'savecannedreply',
        title: `t${i}`,
        text: `x ${i}`,
      });
      expect(filled.type).toBe('cannedreplies');
    }
    const race = await Promise.all([
      wang.request({ action: 'savecannedreply', title: 'last-wang', text: 'w' }),
      li.request({ action: 'savecannedreply', title: 'last-li', text: 'l' }),
    ]);
    expect(race.map((a) => a.type).sort()).toEqual(['cannedreplies', 'error']);
    expect(race.find((a) => a.type === 'error')?.code).toBe('TOO_LARGE');
    const over = await li.request({ action: 'savecannedreply', title: 'over', text: 'o' });
    expect(over).toMatchObject({ type: 'error', code: 'TOO_LARGE' });
    expect(replies(await wang.request({ action: 'cannedreplies' }))).toHaveLength(
      MAX_CANNED_REPLIES,
    );
    // Deleting makes room again.
    const some = replies(await wang.request({ action: 'cannedreplies' }))[0] as Reply;
    await wang.request({ action: 'deletecannedreply', replyId: some.replyId });
    const again = await wang.request({ action: 'savecannedreply', title: 'again', text: 'again' });
    expect(again.type).toBe('cannedreplies');
  });

  it('is for staff only', async () => {
    const student = await connect('canned-student', '小明');
    for (const frame of [
      { action: 'cannedreplies' },
      { action: 'savecannedreply', title: 't', text: 'x' },
      { action: 'deletecannedreply', replyId: 'r' },
    ]) {
      const answer = await student.request(frame);
      expect(answer, frame.action).toMatchObject({ type: 'error', code: 'FORBIDDEN' });
    }
  });
});
