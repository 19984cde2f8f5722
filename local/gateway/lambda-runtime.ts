/**
 * Runs Lambda handlers in this process the way the Lambda runtime would: the module is loaded once
 * (module-scope code runs once, as in a warm container), each invocation gets a context with a
 * deadline, and an invocation that outlives its timeout fails with Lambda's timeout error.
 */
import type { Context } from 'aws-lambda';
import { gatewayId } from './lambda-events';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface FunctionSpec {
  /** Handler file name under functions/handlers/ (or a module URL, see `resolve`). */
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

/**
 * What the gateway, the Invoke API, the stream pollers and the bucket events call handlers
 * through: in this process (LambdaRuntime) or in a thread of their own (ThreadLambdaRuntime).
 */
export interface FunctionRuntime {
  /** Loads a handler module now (surfacing import errors at start-up rather than first use). */
  load(handler: string): Promise<void>;
  /** Invokes the handler with `event`; rejects with its error or a LambdaTimeoutError. */
  invoke(spec: FunctionSpec, event: unknown): Promise<unknown>;
  /** Releases what the runtime holds (a thread); invocations afterwards reject. */
  close(): Promise<void>;
}

export class LambdaTimeoutError extends Error {
  constructor(seconds: number) {
    super(`Task timed out after ${seconds.toFixed(2)} seconds`);
    this.name = 'LambdaTimeoutError';
  }
}

/** Where handler modules are loaded from: the TypeScript sources, unless told otherwise. */
export function sourceHandlerUrl(handler: string): string {
  return new URL(`../../functions/handlers/${handler}.ts`, import.meta.url).href;
}

export class LambdaRuntime implements FunctionRuntime {
  private readonly modules = new Map<string, Promise<Handler>>();

  constructor(private readonly resolve: (handler: string) => string = sourceHandlerUrl) {}

  async load(handler: string): Promise<void> {
    await this.handlerFor(handler);
  }

  async close(): Promise<void> {
    // Nothing to release: the modules stay loaded for as long as this process lives.
  }

  async invoke(spec: FunctionSpec, event: unknown): Promise<unknown> {
    const handler = await this.handlerFor(spec.handler);
    const deadline = Date.now() + spec.timeoutSeconds * 1000;
    const requestId = gatewayId();
    const context: Context = {
      callbackWaitsForEmptyEventLoop: true,
      functionName: `campus-chat-${spec.handler}`,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:campus-chat-${spec.handler}`,
      memoryLimitInMB: String(spec.memoryMb),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/campus-chat-${spec.handler}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new LambdaTimeoutError(spec.timeoutSeconds)),
        spec.timeoutSeconds * 1000,
      );
    });
    try {
      return await Promise.race([handler(event, context), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private handlerFor(name: string): Promise<Handler> {
    let loaded = this.modules.get(name);
    if (!loaded) {
      loaded = import(this.resolve(name)).then((module: { handler?: unknown }) => {
        if (typeof module.handler !== 'function') throw new Error(`${name} exports no handler`);
        return module.handler as Handler;
      });
      this.modules.set(name, loaded);
    }
    return loaded;
  }
}
