/**
 * A fault mode of the DynamoDB proxy: global secondary indexes that lag behind their table, as on
 * DynamoDB, where an index is updated asynchronously and a Query on it is only eventually
 * consistent (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html, "Read
 * consistency for global secondary indexes"). DynamoDB Local updates indexes at once, which hides
 * races that depend on reading one's own or another's write through an index. While the lag is on,
 * an index Query does not see items put since it began (PutItem, BatchWriteItem puts,
 * TransactWriteItems puts); the table itself, and GetItem, see everything. Deterministic: the
 * items become visible when the lag is lifted, not after some time.
 */
import { TABLES } from '../functions/tables';

/** The key attribute names of a table, by physical name; undefined: not tracked. */
export type KeyNames = (table: string) => readonly string[] | undefined;

/** The product's tables (functions/tables.ts), whatever prefix their physical names have. */
export const productTableKeys: KeyNames = (table) => {
  const definition = TABLES.find((t) => table.endsWith(`campus-chat-${t.id}`));
  if (!definition) return undefined;
  return [definition.partitionKey.name, ...(definition.sortKey ? [definition.sortKey.name] : [])];
};

type AttributeMap = Record<string, unknown>;

/** Items put while the lag is on, per table, and the filter of index queries. */
export class IndexLag {
  private readonly put = new Map<string, Set<string>>();

  constructor(private readonly keyNames: KeyNames) {}

  /** Notes the items a write request puts. */
  noteWrite(operation: string, body: Readonly<Record<string, unknown>>): void {
    if (operation === 'PutItem') this.note(body.TableName, body.Item);
    if (
      operation === 'BatchWriteItem' &&
      body.RequestItems &&
      typeof body.RequestItems === 'object'
    ) {
      for (const [table, requests] of Object.entries(
        body.RequestItems as Record<string, unknown>,
      )) {
        if (!Array.isArray(requests)) continue;
        for (const r of requests as { PutRequest?: { Item?: unknown } }[])
          this.note(table, r?.PutRequest?.Item);
      }
    }
    if (operation === 'TransactWriteItems' && Array.isArray(body.TransactItems)) {
      for (const entry of body.TransactItems as {
        Put?: { TableName?: unknown; Item?: unknown };
      }[]) {
        if (entry?.Put) this.note(entry.Put.TableName, entry.Put.Item);
      }
    }
  }

  /**
   * The response body an index Query gets while the lag is on: without the items put since it
   * began. Undefined when the request is not such a query or nothing is hidden.
   */
  filterQuery(
    operation: string,
    body: Readonly<Record<string, unknown>>,
    response: Buffer,
  ): Buffer | undefined {
    if (operation !== 'Query' || typeof body.IndexName !== 'string') return undefined;
    const table = String(body.TableName);
    const hidden = this.put.get(table);
    const names = this.keyNames(table);
    if (!hidden || hidden.size === 0 || !names) return undefined;
    let parsed: { Items?: AttributeMap[]; Count?: number };
    try {
      parsed = JSON.parse(response.toString('utf8')) as typeof parsed;
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed.Items)) return undefined;
    const items = parsed.Items.filter((item) => !hidden.has(keyOf(names, item)));
    if (items.length === parsed.Items.length) return undefined;
    return Buffer.from(JSON.stringify({ ...parsed, Items: items, Count: items.length }), 'utf8');
  }

  private note(table: unknown, item: unknown): void {
    if (typeof table !== 'string' || !item || typeof item !== 'object') return;
    const names = this.keyNames(table);
    if (!names) return;
    let keys = this.put.get(table);
    if (!keys) this.put.set(table, (keys = new Set()));
    keys.add(keyOf(names, item as AttributeMap));
  }
}

function keyOf(names: readonly string[], item: AttributeMap): string {
  return JSON.stringify(names.map((name) => item[name] ?? null));
}
