/**
 * What IAM would ask of a DynamoDB request, and whether a route's declared table access allows
 * it, with the semantics of the CDK grants the stack uses (infra/lib/handler-access.ts):
 * `grantReadData` allows the read actions below, `grantWriteData` the write actions,
 * `grantReadWriteData` both. A transaction is authorized per item: each item's action is checked
 * on its own table (Put/Update/Delete are writes, ConditionCheck and Get are reads).
 */
import type { TableAccess } from '../../functions/routes';
import type { TableId } from '../../functions/tables';

export type ActionKind = 'read' | 'write';

const READ_ACTIONS = new Set([
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'ConditionCheckItem',
  'DescribeTable',
]);
const WRITE_ACTIONS = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

/** The IAM action each transaction item needs. */
const TRANSACT_ITEM_ACTIONS: Readonly<Record<string, string>> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};

/** One IAM action a request needs on one table. */
export interface TableAction {
  /** The IAM action (`GetItem`, `ConditionCheckItem`…). */
  readonly action: string;
  /** The API operation that needed it (differs for transaction items). */
  readonly operation: string;
  /** Physical table name. */
  readonly table: string;
  /** undefined: an action this check does not know (a failure: classify it first). */
  readonly kind: ActionKind | undefined;
}

function kindOf(action: string): ActionKind | undefined {
  if (READ_ACTIONS.has(action)) return 'read';
  if (WRITE_ACTIONS.has(action)) return 'write';
  return undefined;
}

/** The actions a request with this operation and JSON body needs, per table. */
export function tableActions(
  operation: string,
  body: Readonly<Record<string, unknown>>,
): TableAction[] {
  if (operation === 'TransactWriteItems' || operation === 'TransactGetItems') {
    const items = Array.isArray(body.TransactItems)
      ? (body.TransactItems as Record<string, { TableName?: unknown } | undefined>[])
      : [];
    return items.flatMap((item) =>
      Object.entries(item).map(([key, value]) => {
        const action = TRANSACT_ITEM_ACTIONS[key] ?? `${operation}.${key}`;
        return {
          action,
          operation,
          table: typeof value?.TableName === 'string' ? value.TableName : '(unknown)',
          kind: kindOf(action),
        };
      }),
    );
  }
  const tables = new Set<string>();
  if (typeof body.TableName === 'string') tables.add(body.TableName);
  if (body.RequestItems && typeof body.RequestItems === 'object') {
    for (const table of Object.keys(body.RequestItems)) tables.add(table);
  }
  return [...tables].map((table) => ({
    action: operation,
    operation,
    table,
    kind: kindOf(operation),
  }));
}

/** Whether `access` (undefined: not declared) allows an action of `kind`. */
export function allows(access: TableAccess | undefined, kind: ActionKind | undefined): boolean {
  if (access === undefined || kind === undefined) return false;
  return access === 'readWrite' || access === kind;
}

/** The kinds of action a declaration grants. */
export function grantedKinds(access: TableAccess): ActionKind[] {
  return access === 'readWrite' ? ['read', 'write'] : [access];
}

/** A table's logical id from its physical name, given the stack's table names. */
export function tableIdOf(
  tables: Readonly<Record<TableId, string>>,
  physical: string,
): TableId | undefined {
  return (Object.keys(tables) as TableId[]).find((id) => tables[id] === physical);
}
