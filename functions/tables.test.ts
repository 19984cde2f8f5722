import { describe, expect, it } from 'vitest';
import { resolveTableNames, TABLES } from './tables';

describe('resolveTableNames', () => {
  it('prefers each table variable, then the prefix, then the plain default', () => {
    const names = resolveTableNames({ TABLE_PREFIX: 'dev-', MESSAGES_TABLE: 'prod-messages-AbC' });

    expect(names.messages).toBe('prod-messages-AbC');
    expect(names.users).toBe('dev-campus-chat-users');
    expect(resolveTableNames({}).users).toBe('campus-chat-users');
  });

  it('gives every ephemeral table a TTL attribute and no durable one', () => {
    for (const table of TABLES) {
      expect(table.ttlAttribute !== undefined, table.id).toBe(table.lifecycle === 'ephemeral');
    }
  });
});
