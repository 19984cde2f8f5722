/**
 * Times every handler invocation, as Lambda's billed duration does, around whatever runs the
 * handlers (in this process or in the functions' thread): the records and the @connections posts
 * the gateway observes share this thread's clock, so a post is attributed to the invocations
 * running when it arrived.
 */
import type { FunctionRuntime, FunctionSpec } from '../../local/gateway/lambda-runtime';
import { beginInvocation, endInvocation } from './invocation-log';

export class TimedRuntime implements FunctionRuntime {
  constructor(private readonly inner: FunctionRuntime) {}

  load(handler: string): Promise<void> {
    return this.inner.load(handler);
  }

  async invoke(spec: FunctionSpec, event: unknown): Promise<unknown> {
    const connectionId =
      (event as { requestContext?: { connectionId?: string } }).requestContext?.connectionId ?? '';
    const record = beginInvocation(spec.handler, connectionId);
    try {
      return await this.inner.invoke(spec, event);
    } finally {
      endInvocation(record);
    }
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
