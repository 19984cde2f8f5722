/**
 * The DynamoDB tables, provisioned from the shared definitions in functions/tables.ts (never a
 * second copy). Every table is on-demand, encrypted with the AWS managed KMS key and has
 * point-in-time recovery. `durable` tables hold what users wrote: deletion protection on and
 * RETAIN, so neither a `cdk destroy` nor a replacement can drop them. `ephemeral` tables hold
 * connection state that expires by TTL and are removed with the stack.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import type {
  GlobalIndexDefinition,
  KeyAttribute,
  TableDefinition,
  TableId,
} from '../../functions/tables';

export interface ChatDataProps {
  /** The table definitions (functions/tables.ts TABLES). */
  readonly definitions: readonly TableDefinition[];
}

function attribute(key: KeyAttribute): dynamodb.Attribute {
  return {
    name: key.name,
    type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  };
}

function globalIndex(index: GlobalIndexDefinition): dynamodb.GlobalSecondaryIndexProps {
  const projection =
    index.projection === 'ALL'
      ? { projectionType: dynamodb.ProjectionType.ALL }
      : index.projection === 'KEYS_ONLY'
        ? { projectionType: dynamodb.ProjectionType.KEYS_ONLY }
        : {
            projectionType: dynamodb.ProjectionType.INCLUDE,
            nonKeyAttributes: [...index.projection],
          };
  return {
    indexName: index.indexName,
    partitionKey: attribute(index.partitionKey),
    ...(index.sortKey ? { sortKey: attribute(index.sortKey) } : {}),
    ...projection,
  };
}

export class ChatData extends Construct {
  readonly tables: Record<TableId, dynamodb.Table>;

  constructor(scope: Construct, id: string, props: ChatDataProps) {
    super(scope, id);
    const tables: Partial<Record<TableId, dynamodb.Table>> = {};
    for (const definition of props.definitions) {
      const durable = definition.lifecycle === 'durable';
      const table = new dynamodb.Table(this, definition.id, {
        partitionKey: attribute(definition.partitionKey),
        ...(definition.sortKey ? { sortKey: attribute(definition.sortKey) } : {}),
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        encryption: dynamodb.TableEncryption.AWS_MANAGED,
        // Cheap for the small ephemeral tables too, and one rule for all keeps the audit simple.
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: durable,
        removalPolicy: durable ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        ...(definition.ttlAttribute ? { timeToLiveAttribute: definition.ttlAttribute } : {}),
        ...(definition.stream ? { stream: dynamodb.StreamViewType[definition.stream] } : {}),
      });
      for (const index of definition.globalIndexes)
        table.addGlobalSecondaryIndex(globalIndex(index));
      tables[definition.id] = table;
    }
    this.tables = tables as Record<TableId, dynamodb.Table>;
  }
}
