import { describe, expect, it } from 'vitest';
import { allows, grantedKinds, tableActions } from './table-access';

describe('tableActions', () => {
  it('checks each transaction item by its own action and table', () => {
    // Act
    const actions = tableActions('TransactWriteItems', {
      TransactItems: [
        { ConditionCheck: { TableName: 'members' } },
        { Put: { TableName: 'messages' } },
        { Update: { TableName: 'conversations' } },
        { Delete: { TableName: 'members' } },
      ],
    });
    // Assess
    expect(actions.map((a) => [a.action, a.table, a.kind])).toEqual([
      ['ConditionCheckItem', 'members', 'read'],
      ['PutItem', 'messages', 'write'],
      ['UpdateItem', 'conversations', 'write'],
      ['DeleteItem', 'members', 'write'],
    ]);
    expect(
      tableActions('TransactGetItems', { TransactItems: [{ Get: { TableName: 'users' } }] }),
    ).toMatchObject([{ action: 'GetItem', operation: 'TransactGetItems', kind: 'read' }]);
  });

  it('names every table of a batch, and leaves unknown operations unclassified', () => {
    // Act
    const batch = tableActions('BatchGetItem', { RequestItems: { a: {}, b: {} } });
    const statement = tableActions('ExecuteStatement', { TableName: 'a' });
    // Assess
    expect(batch.map((a) => [a.table, a.kind])).toEqual([
      ['a', 'read'],
      ['b', 'read'],
    ]);
    expect(statement).toMatchObject([{ kind: undefined }]);
  });
});

describe('allows', () => {
  it('follows the CDK grants: read, write, or both', () => {
    // Assess
    expect(allows('read', 'read')).toBe(true);
    expect(allows('read', 'write')).toBe(false);
    expect(allows('write', 'read')).toBe(false);
    expect(allows('readWrite', 'write')).toBe(true);
    expect(allows(undefined, 'read')).toBe(false);
    expect(allows('readWrite', undefined)).toBe(false);
    expect(grantedKinds('readWrite')).toEqual(['read', 'write']);
  });
});
