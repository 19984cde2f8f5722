/**
 * The shared setup of the notification suites (test/notify*.test.ts and the mini-program's
 * notification pages): a test stack, a DynamoDB document client on its tables, connections that
 * are all closed with it, and polling for what the stream consumer writes asynchronously.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import type { LocalStack, LocalStackOptions } from '../../local/local-stack';
import { type ChatTestClient, connectAs } from './chat-client';
import { startTestStack } from './test-stack';

/** A test stack with what a notification test reads besides its sockets. */
export interface NotifyStack {
  readonly stack: LocalStack;
  /** Reads the stack's tables (ledger, credits, users, connections) as the notifier wrote them. */
  readonly db: DynamoDBDocumentClient;
  /** A connection as `name`, closed by `stop`. */
  connect(name: string): Promise<ChatTestClient>;
  /** Closes every connection `connect` opened, then the stack and the client. */
  stop(): Promise<void>;
}

/** Starts a test stack (options as startTestStack's) for a notification suite. */
export async function startNotifyStack(options: LocalStackOptions = {}): Promise<NotifyStack> {
  const stack = await startTestStack(options);
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: stack.dynamodbEndpoint, region: 'us-east-1' }),
  );
  const open: ChatTestClient[] = [];
  return {
    stack,
    db,
    async connect(name) {
      const client = await connectAs(stack, name);
      open.push(client);
      return client;
    },
    async stop() {
      await Promise.all(open.map((c) => c.close()));
      await stack.stop();
      db.destroy();
    },
  };
}

/**
 * Reads `read` until `ok` holds (every 50 ms, at most 300 times: the notifier works from the
 * stream, after the send was acknowledged) and asserts that it did; resolves with the value.
 */
export async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let i = 0; i < 300 && !ok(value); i++) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  expect(ok(value)).toBe(true);
  return value;
}
