/**
 * Wraps a Lambda handler module to time its invocations, as Lambda's billed duration does. Loaded
 * as `timed-handler.ts?module=<url>&name=<handler>`; every query string makes a module of its own.
 */
import { beginInvocation, endInvocation } from './invocation-log';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const params = new URL(import.meta.url).searchParams;
const name = params.get('name') ?? 'unknown';
const inner = (await import(params.get('module') ?? '')) as { handler: Handler };

export async function handler(event: unknown, context: unknown): Promise<unknown> {
  const connectionId =
    (event as { requestContext?: { connectionId?: string } }).requestContext?.connectionId ?? '';
  const record = beginInvocation(name, connectionId);
  try {
    return await inner.handler(event, context);
  } finally {
    endInvocation(record);
  }
}
