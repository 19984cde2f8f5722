/**
 * A Lambda handler module that records every invocation and runs them one at a time (see
 * invocation-recorder.ts), each by the real handler of its route, unchanged. The local stack loads
 * it for every handler (`resolveHandler`); it finds the handler from the event's route key, as
 * the gateway chose it: a WebSocket route of functions/routes.ts or an HTTP route; an S3 event
 * goes to its bucket's event function (functions/buckets.ts), a DynamoDB stream batch to the
 * function of the event source on that table's stream (functions/event-sources.ts).
 */
import { BUCKETS } from '../../functions/buckets';
import { EVENT_SOURCES } from '../../functions/event-sources';
import { HTTP_ROUTES, ROUTES } from '../../functions/routes';
import { sourceHandlerUrl } from '../../local/gateway/lambda-runtime';
import { runSerialized } from './invocation-recorder';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const HANDLERS = new Map<string, string>([
  ...ROUTES.flatMap((r) =>
    r.integration.kind === 'lambda' ? [[r.routeKey, r.integration.handler] as const] : [],
  ),
  ...HTTP_ROUTES.map((r) => [`${r.method} ${r.path}`, r.handler] as const),
]);

const loaded = new Map<string, Promise<Handler>>();

function handlerModule(name: string): Promise<Handler> {
  let module = loaded.get(name);
  if (!module) {
    module = import(sourceHandlerUrl(name)).then((m: { handler: Handler }) => m.handler);
    loaded.set(name, module);
  }
  return module;
}

export async function handler(event: unknown, context: unknown): Promise<unknown> {
  const { routeKey = '', connectionId = '' } =
    (event as { requestContext?: { routeKey?: string; connectionId?: string } }).requestContext ??
    {};
  const records = (event as { Records?: { eventSource?: string; eventSourceARN?: string }[] })
    .Records;
  const s3Handler = BUCKETS.flatMap((b) => b.events)[0]?.handler;
  // A stream ARN names its table (…:table/<name>/stream/…); the local tables end in the table id.
  const streamTable = /:table\/([^/]+)\/stream\//.exec(records?.[0]?.eventSourceARN ?? '')?.[1];
  const streamHandler = EVENT_SOURCES.find(
    (s) => streamTable !== undefined && streamTable.endsWith(`-${s.table}`),
  )?.handler;
  const name =
    records?.[0]?.eventSource === 'aws:s3'
      ? s3Handler
      : records?.[0]?.eventSource === 'aws:dynamodb'
        ? streamHandler
        : HANDLERS.get(routeKey);
  if (!name) throw new Error(`no handler for route ${routeKey}`);
  const inner = await handlerModule(name);
  return runSerialized(name, connectionId, () => inner(event, context));
}
