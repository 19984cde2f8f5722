/**
 * Turns what a handler declares in the route table (functions/routes.ts) into exactly that much
 * access: table grants per declared access, read access to the declared secrets, and the
 * environment variables through which the handler finds those tables and secrets.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { type SecretName, secretIdVariable } from '../../functions/adapters/secrets';
import type { BucketAccess, TableAccess } from '../../functions/routes';
import { type BucketId, bucketDefinition } from '../../functions/buckets';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { grantBucketAccess } from './image-storage';
import { type TableId, tableDefinition } from '../../functions/tables';
import type { HandlerFunction } from './handler-function';
import { acknowledgeIndexGrant } from './nag-suppressions';

/** What a handler declares it touches. */
export interface DeclaredAccess {
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly secrets?: readonly SecretName[];
  readonly buckets?: Partial<Record<BucketId, BucketAccess>>;
}

/** A secret the stack knows: the imported secret and the id the handler fetches it by. */
export interface SecretReference {
  readonly secret: ISecret;
  /** Secrets Manager SecretId (name or ARN) the handler passes to GetSecretValue. */
  readonly secretId: string;
}

/** The resources a declaration can refer to. */
export interface AccessTargets {
  readonly tables: Record<TableId, ITable>;
  readonly secrets: Record<SecretName, SecretReference>;
  /** The buckets of functions/buckets.ts (infra/lib/image-storage.ts). */
  readonly buckets?: Record<BucketId, IBucket>;
}

function declaredBuckets(
  access: DeclaredAccess,
  targets: AccessTargets,
): [BucketId, BucketAccess, IBucket][] {
  return (Object.entries(access.buckets ?? {}) as [BucketId, BucketAccess][]).map(([id, level]) => {
    const bucket = targets.buckets?.[id];
    if (!bucket) throw new Error(`a handler declares bucket ${id}, which the stack does not have`);
    return [id, level, bucket];
  });
}

function declaredTables(access: DeclaredAccess): [TableId, TableAccess][] {
  return Object.entries(access.tables) as [TableId, TableAccess][];
}

/** Grants the handler the declared table access and read access to the declared secrets. */
export function grantDeclaredAccess(
  handler: HandlerFunction,
  access: DeclaredAccess,
  targets: AccessTargets,
): void {
  const grantee = handler.function;
  for (const [id, level] of declaredTables(access)) {
    const table = targets.tables[id];
    if (level === 'read') table.grantReadData(grantee);
    else if (level === 'write') table.grantWriteData(grantee);
    else table.grantReadWriteData(grantee);
    if (tableDefinition(id).globalIndexes.length > 0) acknowledgeIndexGrant(handler, table);
  }
  for (const name of access.secrets ?? []) targets.secrets[name].secret.grantRead(grantee);
  for (const [id, level, bucket] of declaredBuckets(access, targets)) {
    grantBucketAccess(handler, bucket, bucketDefinition(id), level);
  }
}

/**
 * The environment for the declared access: each declared table's physical name in its table's
 * `envVar`, each declared secret's id in `<NAME>_ID`. Never a secret value.
 */
export function declaredEnvironment(
  access: DeclaredAccess,
  targets: AccessTargets,
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [id] of declaredTables(access)) {
    environment[tableDefinition(id).envVar] = targets.tables[id].tableName;
  }
  for (const name of access.secrets ?? []) {
    environment[secretIdVariable(name)] = targets.secrets[name].secretId;
  }
  for (const [id, , bucket] of declaredBuckets(access, targets)) {
    environment[bucketDefinition(id).envVar] = bucket.bucketName;
  }
  return environment;
}
