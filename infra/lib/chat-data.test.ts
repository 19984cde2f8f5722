/**
 * The DynamoDB tables as synthesized from functions/tables.ts: keys and indexes as declared,
 * on-demand, encrypted, point-in-time recovery, TTL where declared, and durable data protected
 * from deletion while ephemeral connection state goes with the stack.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES, type TableDefinition } from '../../functions/tables';
import {
  removeSynthOutputs,
  resourcesOf,
  type Synthesized,
  synthesize,
} from '../test/support/synth';

afterAll(removeSynthOutputs);

let synth: Synthesized;

beforeAll(() => {
  synth = synthesize();
});

function tableResource(definition: TableDefinition) {
  const table = synth.stack.data.tables[definition.id];
  const logicalId = synth.stack.resolve((table.node.defaultChild as CfnElement).logicalId);
  const resource = synth.json.Resources[logicalId];
  if (!resource) throw new Error(`no table ${definition.id}`);
  return resource;
}

function keySchema(partition: { name: string }, sort?: { name: string }) {
  return [
    { AttributeName: partition.name, KeyType: 'HASH' },
    ...(sort ? [{ AttributeName: sort.name, KeyType: 'RANGE' }] : []),
  ];
}

describe('tables', () => {
  it('provisions one table per definition and no other', () => {
    expect(resourcesOf(synth.json, 'AWS::DynamoDB::Table')).toHaveLength(TABLES.length);
  });

  it.each(TABLES)('$id has the declared keys and indexes', (definition) => {
    const { Properties } = tableResource(definition);
    expect(Properties.KeySchema).toEqual(keySchema(definition.partitionKey, definition.sortKey));
    const indexes = (Properties.GlobalSecondaryIndexes ?? []) as {
      IndexName: string;
      KeySchema: unknown;
      Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
    }[];
    expect(indexes.map((i) => i.IndexName)).toEqual(
      definition.globalIndexes.map((i) => i.indexName),
    );
    for (const index of definition.globalIndexes) {
      const found = indexes.find((i) => i.IndexName === index.indexName);
      expect(found?.KeySchema).toEqual(keySchema(index.partitionKey, index.sortKey));
      expect(found?.Projection.ProjectionType).toBe(
        typeof index.projection === 'string' ? index.projection : 'INCLUDE',
      );
    }
    // Every key attribute, and only those, is defined with its declared type.
    const keys = [
      definition.partitionKey,
      ...(definition.sortKey ? [definition.sortKey] : []),
      ...definition.globalIndexes.flatMap((i) => [
        i.partitionKey,
        ...(i.sortKey ? [i.sortKey] : []),
      ]),
    ];
    const expected = new Map(keys.map((k) => [k.name, k.type]));
    expect(
      new Map(
        (Properties.AttributeDefinitions as { AttributeName: string; AttributeType: string }[]).map(
          (a) => [a.AttributeName, a.AttributeType],
        ),
      ),
    ).toEqual(expected);
  });

  it.each(TABLES)('$id is on-demand, encrypted and point-in-time recoverable', (definition) => {
    expect(tableResource(definition).Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      // SSEEnabled without a key: KMS with the AWS managed key (aws/dynamodb).
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it.each(TABLES)(
    '$id expires items by TTL exactly when it declares a TTL attribute',
    (definition) => {
      const ttl = tableResource(definition).Properties.TimeToLiveSpecification;
      if (definition.ttlAttribute) {
        expect(ttl).toEqual({ AttributeName: definition.ttlAttribute, Enabled: true });
      } else {
        expect(ttl).toBeUndefined();
      }
    },
  );

  it.each(TABLES)('$id is protected according to its lifecycle', (definition) => {
    const resource = tableResource(definition);
    if (definition.lifecycle === 'durable') {
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
      expect(resource.Properties.DeletionProtectionEnabled).toBe(true);
    } else {
      expect(resource.DeletionPolicy).toBe('Delete');
      expect(resource.Properties.DeletionProtectionEnabled).toBe(false);
    }
  });

  it('keeps what users wrote: messages, conversations, members, users, idempotency keys, moderation records, subscribe-message credits, the desk record, canned replies and the staff list', () => {
    const durable = TABLES.filter((t) => t.lifecycle === 'durable').map((t) => t.id);
    expect(durable.sort()).toEqual(
      [
        'cannedReplies',
        'deskEvents',
        'conversations',
        'idempotency',
        'members',
        'messages',
        'moderation',
        'notifyCredits',
        'users',
        'staff',
      ].sort(),
    );
  });
});
