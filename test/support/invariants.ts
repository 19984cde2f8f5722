/**
 * The delivery invariant, checked from the database and from every client's view at the end of a
 * chaos run or a load run:
 *
 * 1. per conversation, seqs are 1..N with no gap and no duplicate, and lastSeq is N;
 * 2. every message a client got an ack for is stored exactly once, as acked (id, seq);
 * 3. every message a client typed is stored exactly once, with its text exactly as typed;
 * 4. every client that ran the resync holds exactly the stored messages of each conversation it
 *    keeps, once each, in seq order, and reported each one once;
 * 5. no connection record outlives its socket beyond the TTL sweep: once every client has closed,
 *    a remaining connection (or subscription) belongs to a socket cut by a killed gateway (no
 *    $disconnect ran) or to one whose $disconnect ran out of time (an overloaded run), and expires
 *    within the TTL of its connection time. Any other leftover is a violation.
 *
 * It reads the tables directly (consistent scans and queries), never through the product's code.
 */
import { type DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { ChatClient } from '../../client/chat-client';
import type { TableId } from '../../functions/tables';

type Item = Record<string, unknown>;

/** A message as the checks compare it. */
export interface MessageKey {
  readonly id: string;
  readonly seq: number;
  readonly clientId: string;
  readonly senderId: string;
  readonly text: string;
  /** A `skipped` filler: holds a room seq whose send failed after taking it; no message. */
  readonly skipped?: true;
}

export interface StoreSnapshot {
  /** conversationId -> lastSeq on the conversation item and the stored messages in seq order. */
  readonly conversations: ReadonlyMap<string, { lastSeq: number; messages: MessageKey[] }>;
  readonly connections: readonly { connectionId: string; connectedAt: number; expiresAt: number }[];
  readonly subscriptions: readonly { topic: string; connectionId: string; expiresAt: number }[];
}

/** What one client holds and reported, per conversation it keeps. */
export interface ClientView {
  readonly name: string;
  readonly conversations: Readonly<
    Record<
      string,
      {
        readonly messages: readonly MessageKey[];
        /** How many times the client reported each seq as new (`message` events). */
        readonly reported: Readonly<Record<number, number>>;
        /** Whether older messages exist that the client has not loaded. */
        readonly hasOlder: boolean;
      }
    >
  >;
  /** Outbox entries not acknowledged (sending or failed). */
  readonly unsent: readonly { clientId: string; state: string }[];
}

/**
 * A ChatClient's view for the invariant: what it holds of each conversation it keeps, how often
 * it reported each seq (`reported`: conversationId -> seq -> times), and what it has not sent.
 */
export function clientViewOf(
  name: string,
  client: Pick<ChatClient, 'view'>,
  kept: Iterable<string>,
  reported: ReadonlyMap<string, ReadonlyMap<number, number>>,
  wroteTo: Iterable<string> = [],
): ClientView {
  const conversations: Record<string, ClientView['conversations'][string]> = {};
  for (const id of kept) {
    const view = client.view(id);
    conversations[id] = {
      messages: view.messages.map(({ id: messageId, seq, clientId, senderId, text }) => ({
        id: messageId,
        seq,
        clientId,
        senderId,
        text,
      })),
      reported: Object.fromEntries(reported.get(id) ?? []),
      hasOlder: view.hasOlder,
    };
  }
  const unsent = [...new Set([...kept, ...wroteTo])].flatMap((id) =>
    client.view(id).pending.map((p) => ({ clientId: p.clientId, state: p.state })),
  );
  return { name, conversations, unsent };
}

export interface Expectations {
  /** Every message typed: sender, its idempotency id, where and what. */
  readonly typed: readonly {
    senderId: string;
    clientId: string;
    conversationId: string;
    text: string;
  }[];
  /**
   * Messages sent that the server may have refused (a flooder's, past the rate limit): each is
   * stored at most once, as sent, but need not be stored.
   */
  readonly attempted?: readonly {
    senderId: string;
    clientId: string;
    conversationId: string;
    text: string;
  }[];
  /** Every ack a client received. */
  readonly acked: readonly {
    senderId: string;
    clientId: string;
    conversationId: string;
    seq: number;
    messageId: string;
  }[];
  /** Connection ids that a killed gateway cut (their records may stay until their TTL). */
  readonly killedConnections: ReadonlySet<string>;
  /** Connection ids whose $disconnect was invoked (one still on record did not finish). */
  readonly disconnectInvoked?: ReadonlySet<string>;
  readonly connectionTtlSeconds: number;
  /** Whether every client has closed (check 5 applies only then). */
  readonly allClosed: boolean;
}

export interface InvariantReport {
  readonly conversations: number;
  readonly messages: number;
  readonly typed: number;
  readonly acked: number;
  readonly clientViews: number;
  readonly leftoverConnections: number;
  /** Of those, records whose $disconnect ran but did not finish (left to the TTL sweep). */
  readonly leftAfterFailedDisconnect: number;
  /** Empty when every invariant holds; otherwise what broke (at most 50 lines). */
  readonly violations: readonly string[];
}

async function scanAll(client: DynamoDBDocumentClient, table: string): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    startKey = page.LastEvaluatedKey as Item | undefined;
  } while (startKey);
  return items;
}

async function messagesOf(
  client: DynamoDBDocumentClient,
  table: string,
  conversationId: string,
): Promise<MessageKey[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'conversationId = :c',
        ExpressionAttributeValues: { ':c': conversationId },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    startKey = page.LastEvaluatedKey as Item | undefined;
  } while (startKey);
  return items.map((item) => ({
    id: String(item.id),
    seq: Number(item.seq),
    clientId: String(item.clientId),
    senderId: String(item.senderId),
    text: String(item.text),
    ...(item.kind === 'skipped' ? { skipped: true as const } : {}),
  }));
}

/** Reads conversations, their messages, connections and subscriptions. */
export async function readStore(
  client: DynamoDBDocumentClient,
  tables: Readonly<Record<TableId, string>>,
): Promise<StoreSnapshot> {
  const conversations = new Map<string, { lastSeq: number; messages: MessageKey[] }>();
  for (const item of await scanAll(client, tables.conversations)) {
    const conversationId = String(item.conversationId);
    conversations.set(conversationId, {
      lastSeq: Number(item.lastSeq ?? 0),
      messages: await messagesOf(client, tables.messages, conversationId),
    });
  }
  const connections = (await scanAll(client, tables.connections)).map((item) => ({
    connectionId: String(item.connectionId),
    connectedAt: Number(item.connectedAt),
    expiresAt: Number(item.expiresAt),
  }));
  const subscriptions = (await scanAll(client, tables.subscriptions)).map((item) => ({
    topic: String(item.topic),
    connectionId: String(item.connectionId),
    expiresAt: Number(item.expiresAt),
  }));
  return { conversations, connections, subscriptions };
}

/** Checks the invariant; see the file comment. */
export function checkInvariants(
  store: StoreSnapshot,
  views: readonly ClientView[],
  expected: Expectations,
): InvariantReport {
  const violations: string[] = [];
  const violate = (line: string) => {
    if (violations.length < 50) violations.push(line);
  };

  // 1. seqs 1..N, no gaps, no duplicates; lastSeq = N.
  const bySendKey = new Map<string, { conversationId: string; message: MessageKey }[]>();
  let messageCount = 0;
  for (const [conversationId, { lastSeq, messages }] of store.conversations) {
    messages.forEach((message, index) => {
      if (message.seq !== index + 1) {
        violate(
          `${conversationId}: seq ${message.seq} at position ${index + 1} (gap or duplicate)`,
        );
      }
      // A filler fills a seq; it is nobody's send.
      if (message.skipped) return;
      messageCount++;
      const key = `${message.senderId}#${message.clientId}`;
      bySendKey.set(key, [...(bySendKey.get(key) ?? []), { conversationId, message }]);
    });
    if (lastSeq !== messages.length) {
      violate(`${conversationId}: lastSeq ${lastSeq} but ${messages.length} messages stored`);
    }
  }
  for (const [key, copies] of bySendKey) {
    if (copies.length > 1) violate(`send ${key} stored ${copies.length} times`);
  }

  // 2. acked -> stored exactly once, as acked.
  for (const ack of expected.acked) {
    const copies = bySendKey.get(`${ack.senderId}#${ack.clientId}`) ?? [];
    const stored = copies[0];
    if (copies.length !== 1 || !stored) {
      violate(`acked ${ack.senderId}#${ack.clientId} stored ${copies.length} times`);
    } else if (
      stored.conversationId !== ack.conversationId ||
      stored.message.seq !== ack.seq ||
      stored.message.id !== ack.messageId
    ) {
      violate(
        `acked ${ack.senderId}#${ack.clientId} as ${ack.conversationId}/${ack.seq}/${ack.messageId}, stored as ${stored.conversationId}/${stored.message.seq}/${stored.message.id}`,
      );
    }
  }

  // 3. typed -> stored exactly once, text exact; nothing stored that nobody typed.
  const typedKeys = new Set<string>();
  for (const typed of expected.typed) {
    const key = `${typed.senderId}#${typed.clientId}`;
    typedKeys.add(key);
    const copies = bySendKey.get(key) ?? [];
    const stored = copies[0];
    if (copies.length !== 1 || !stored) {
      violate(`typed ${key} (${typed.conversationId}) stored ${copies.length} times`);
    } else if (
      stored.conversationId !== typed.conversationId ||
      stored.message.text !== typed.text
    ) {
      violate(`typed ${key} stored differently: ${JSON.stringify(stored.message.text)}`);
    }
  }
  const attempted = new Map(
    (expected.attempted ?? []).map((a) => [`${a.senderId}#${a.clientId}`, a]),
  );
  for (const [key, copies] of bySendKey) {
    if (typedKeys.has(key)) continue;
    const sent = attempted.get(key);
    const stored = copies[0];
    if (!sent) violate(`stored ${key} was never typed by a client of this run`);
    else if (
      stored &&
      (stored.conversationId !== sent.conversationId || stored.message.text !== sent.text)
    ) {
      violate(`sent ${key} stored differently: ${JSON.stringify(stored.message.text)}`);
    }
  }

  // 4. every client view = the stored messages, once each, in order.
  for (const view of views) {
    for (const entry of view.unsent) {
      violate(`${view.name}: message ${entry.clientId} still ${entry.state} in the outbox`);
    }
    for (const [conversationId, held] of Object.entries(view.conversations)) {
      // Clients keep fillers for their seqs but show none (ChatClient.view).
      const stored = (store.conversations.get(conversationId)?.messages ?? []).filter(
        (m) => !m.skipped,
      );
      if (held.hasOlder) violate(`${view.name}: ${conversationId} not loaded to the start`);
      const same =
        held.messages.length === stored.length &&
        held.messages.every((m, i) => {
          const s = stored[i];
          return (
            s !== undefined &&
            m.seq === s.seq &&
            m.id === s.id &&
            m.text === s.text &&
            m.clientId === s.clientId
          );
        });
      if (!same) {
        violate(
          `${view.name}: ${conversationId} holds seqs [${summarize(held.messages.map((m) => m.seq))}], stored [${summarize(stored.map((m) => m.seq))}]`,
        );
      }
      for (const message of stored) {
        const times = held.reported[message.seq] ?? 0;
        if (times !== 1) {
          violate(`${view.name}: ${conversationId} seq ${message.seq} reported ${times} times`);
        }
      }
    }
  }

  // 5. connection records after every client closed.
  let leftovers = 0;
  let failedDisconnects = 0;
  if (expected.allClosed) {
    const remaining = new Set<string>();
    for (const record of store.connections) {
      remaining.add(record.connectionId);
      leftovers++;
      if (expected.killedConnections.has(record.connectionId)) {
        // Cut by a kill: no $disconnect ever ran for it.
      } else if (expected.disconnectInvoked?.has(record.connectionId)) {
        failedDisconnects++;
      } else {
        violate(
          `connection ${record.connectionId} outlives its socket (not cut by a kill, no $disconnect ran)`,
        );
      }
      const limit = Math.floor(record.connectedAt / 1000) + expected.connectionTtlSeconds + 1;
      if (!(record.expiresAt <= limit)) {
        violate(`connection ${record.connectionId} expires at ${record.expiresAt}, past ${limit}`);
      }
    }
    for (const subscription of store.subscriptions) {
      if (!remaining.has(subscription.connectionId)) {
        violate(
          `subscription ${subscription.topic} -> ${subscription.connectionId} has no connection`,
        );
      }
    }
  }

  return {
    conversations: store.conversations.size,
    messages: messageCount,
    typed: expected.typed.length,
    acked: expected.acked.length,
    clientViews: views.length,
    leftoverConnections: leftovers,
    leftAfterFailedDisconnect: failedDisconnects,
    violations,
  };
}

/** `1-40,42,44-50`: a list of seqs, short. */
function summarize(seqs: readonly number[]): string {
  const parts: string[] = [];
  let start: number | undefined;
  let previous: number | undefined;
  for (const seq of [...seqs, Number.NaN]) {
    if (start !== undefined && previous !== undefined && seq === previous + 1) {
      previous = seq;
      continue;
    }
    if (start !== undefined) parts.push(start === previous ? `${start}` : `${start}-${previous}`);
    start = seq;
    previous = seq;
  }
  return parts.join(',');
}
