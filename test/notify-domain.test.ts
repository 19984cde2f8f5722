/**
 * The notifier's rules over real DynamoDB tables (the adapters in
 * functions/adapters/dynamo-notifications.ts) with a scripted WeChat: one notification per
 * conversation until read, credits spent, refunded and zeroed as WeChat answers, duplicate
 * deliveries never sending twice, and the batch reporting the record to retry.
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createDocumentClient } from '../functions/adapters/dynamo-client';
import { readConfig } from '../functions/config';
import type { NotifyDeps, StoredMessage } from '../functions/domain/notify';
import { notifyForMessage } from '../functions/domain/notify';
import type { SendResult, SubscribeMessage } from '../functions/domain/notify-ports';
import { validFieldValue } from '../functions/domain/subscribe-fields';
import { handleNotifyBatch } from '../functions/handlers/notify-batch';
import { createNotifyDeps, MAX_CREDITS } from '../functions/notify-runtime';
import { ensureTables } from '../local/create-tables';

const endpoint = inject('dynamodbEndpoint');
const env = {
  TABLE_PREFIX: `n${randomBytes(4).toString('hex')}-`,
  NOTIFY_TEMPLATE_DESK_REPLIED: 'tmpl-desk',
  NOTIFY_TEMPLATE_STUDENT_WAITING: 'tmpl-wait',
  ADMINS: 'admin,admin2',
  AWS_REGION: 'us-east-1',
};
const config = readConfig(env);
const db = createDocumentClient({ endpoint, region: 'us-east-1' });
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** WeChat as scripted: each send takes the next answer (default: sent). */
const sent: SubscribeMessage[] = [];
let answers: SendResult[] = [];
let deps: NotifyDeps;

beforeAll(async () => {
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const raw = new DynamoDBClient({ endpoint, region: 'us-east-1' });
  await ensureTables(raw, config.tables);
  raw.destroy();
  deps = createNotifyDeps({ config, db, wechat: { post: async () => ({}) }, log: silent });
  deps = {
    ...deps,
    sender: {
      async send(message) {
        const answer = answers.shift() ?? { kind: 'sent' };
        if (answer.kind === 'sent') sent.push(message);
        return answer;
      },
    },
  };
});

afterAll(() => db.destroy());

let student: string;
let seq: number;
beforeEach(async () => {
  student = `s${randomBytes(3).toString('hex')}`;
  seq = 0;
  sent.length = 0;
  answers = [];
  await db.send(
    new PutCommand({ TableName: config.tables.users, Item: { userId: student, name: '小明' } }),
  );
});

function message(role: 'admin' | 'student', text = '你好，请问有什么可以帮你？'): StoredMessage {
  seq += 1;
  return {
    id: `m-${student}-${seq}`,
    conversationId: `support:${student}`,
    seq,
    senderId: role === 'admin' ? 'admin' : student,
    senderName: role === 'admin' ? '服务台' : '小明',
    senderRole: role,
    text,
    sentAt: '2026-12-02T01:02:03.000Z',
  };
}

const credits = () => deps.credits.get(student, 'deskReplied');
const accept = (times = 1) =>
  Promise.all(
    Array.from({ length: times }, () =>
      deps.credits.record(student, 'deskReplied', 'accept', false, MAX_CREDITS),
    ),
  );
async function read(upTo: number): Promise<void> {
  await db.send(
    new PutCommand({
      TableName: config.tables.members,
      Item: { conversationId: `support:${student}`, userId: student, readSeq: upTo },
    }),
  );
}

describe('desk replied', () => {
  it('sends once per conversation until the student reads, then again while credits remain', async () => {
    await accept(2);
    for (let i = 0; i < 3; i++) expect(await notifyForMessage(deps, message('admin'))).toBe('done');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      touser: student,
      templateId: 'tmpl-desk',
      page: `pages/chat/index?id=${encodeURIComponent(`support:${student}`)}`,
    });
    expect(sent[0]?.data).toEqual({
      thing1: '自习室服务台',
      thing2: '你好，请问有什么可以帮你？',
      time3: '2026年12月2日 09:02',
    });
    for (const [key, value] of Object.entries(sent[0]?.data ?? {}))
      expect(validFieldValue(key, value), key).toBe(true);
    expect((await credits()).credits).toBe(1);

    await read(3);
    await notifyForMessage(deps, message('admin'));
    expect(sent).toHaveLength(2);
    await read(4);
    await notifyForMessage(deps, message('admin'));
    expect(sent).toHaveLength(2); // no credit left
    expect((await credits()).credits).toBe(0);
  });

  it('cuts a long preview to the thing limit', async () => {
    await accept();
    await notifyForMessage(
      deps,
      message('admin', '这是一条非常非常长的回复，一定会超过二十个字符的限制，需要截断'),
    );
    expect([...(sent[0]?.data.thing2 ?? '')]).toHaveLength(20);
    expect(sent[0]?.data.thing2?.endsWith('…')).toBe(true);
  });

  it('never sends twice for a duplicate delivery, even concurrent', async () => {
    await accept(3);
    const m = message('admin');
    await Promise.all([notifyForMessage(deps, m), notifyForMessage(deps, m)]);
    await read(0);
    await notifyForMessage(deps, m);
    expect(sent).toHaveLength(1);
    expect((await credits()).credits).toBe(2);
  });

  it('skips a student who is online, and one who turned notifications off', async () => {
    await accept();
    await db.send(
      new PutCommand({
        TableName: config.tables.connections,
        Item: { connectionId: `c-${student}`, userId: student },
      }),
    );
    await db.send(
      new PutCommand({
        TableName: config.tables.users,
        Item: { userId: student, liveConnections: new Set([`c-${student}`]) },
      }),
    );
    await notifyForMessage(deps, message('admin'));
    expect(sent).toHaveLength(0);
    await db.send(new PutCommand({ TableName: config.tables.users, Item: { userId: student } }));
    await deps.credits.setOff(student, 'deskReplied', true);
    await notifyForMessage(deps, message('admin'));
    expect(sent).toHaveLength(0);
    expect((await credits()).credits).toBe(1);
  });

  it('refunds and retries when WeChat is unavailable; the retry sends once', async () => {
    await accept();
    answers = [{ kind: 'unavailable', errcode: 500 }];
    const m = message('admin');
    expect(await notifyForMessage(deps, m)).toBe('retry');
    expect((await credits()).credits).toBe(1);
    expect(await notifyForMessage(deps, m)).toBe('done');
    expect(await notifyForMessage(deps, m)).toBe('done');
    expect(sent).toHaveLength(1);
    expect((await credits()).credits).toBe(0);
  });

  it('zeroes the credits on 43101 and does not retry', async () => {
    await accept(3);
    answers = [{ kind: 'noSubscription' }];
    expect(await notifyForMessage(deps, message('admin'))).toBe('done');
    expect((await credits()).credits).toBe(0);
  });

  it('refunds a refusal that is not the user doing (47003) and lets the next reply try', async () => {
    await accept();
    answers = [{ kind: 'refused', errcode: 47003 }];
    expect(await notifyForMessage(deps, message('admin'))).toBe('done');
    expect((await credits()).credits).toBe(1);
    await notifyForMessage(deps, message('admin'));
    expect(sent).toHaveLength(1);
  });
});

describe('a student is waiting', () => {
  it('tells each subscribed admin once per conversation while no admin is online', async () => {
    await deps.credits.record('admin', 'studentWaiting', 'accept', true, MAX_CREDITS);
    await notifyForMessage(deps, message('student', '请问今晚几点关门'));
    await notifyForMessage(deps, message('student', '还有人吗'));
    const waiting = sent.filter((m) => m.templateId === 'tmpl-wait');
    expect(waiting).toHaveLength(1);
    expect(waiting[0]).toMatchObject({
      touser: 'admin',
      data: { thing1: '小明', thing2: '请问今晚几点关门' },
    });
  });
});

describe('the batch', () => {
  it('reports the first record to retry and stops there', async () => {
    await accept(2);
    const first = message('admin');
    const second = message('admin');
    answers = [{ kind: 'unavailable' }];
    const record = (m: StoredMessage, sequence: string) => ({
      eventName: 'INSERT' as const,
      dynamodb: {
        SequenceNumber: sequence,
        NewImage: Object.fromEntries(
          Object.entries(m).map(([k, v]) => [
            k,
            typeof v === 'number' ? { N: String(v) } : { S: String(v) },
          ]),
        ),
      },
    });
    const event = { Records: [record(first, '100'), record(second, '200')] } as DynamoDBStreamEvent;
    expect(await handleNotifyBatch(deps, event)).toEqual({
      batchItemFailures: [{ itemIdentifier: '100' }],
    });
    expect(sent).toHaveLength(0);
    expect(await handleNotifyBatch(deps, event)).toEqual({ batchItemFailures: [] });
    expect(sent).toHaveLength(1);
  });

  it('skips a record that is not a message', async () => {
    const event = {
      Records: [{ dynamodb: { SequenceNumber: '1', NewImage: { id: { N: '1' } } } }],
    };
    expect(await handleNotifyBatch(deps, event as DynamoDBStreamEvent)).toEqual({
      batchItemFailures: [],
    });
  });
});
