/**
 * Runs the Lambda handlers in a worker thread of their own, apart from the gateway emulator.
 *
 * On AWS, API Gateway and Lambda are separate services: a function's billed duration holds its
 * own work and the time it waits on the network, never API Gateway's work of receiving a
 * @connections post, checking its signature and writing the frame to the socket. With the handlers
 * in the gateway's event loop (LambdaRuntime), every post a handler awaits also waits for the
 * emulator to serve it, and a send's measured duration includes that. In a thread of their own,
 * the handlers reach the gateway, DynamoDB and the Invoke API over HTTP exactly as before (nothing
 * the emulator does is skipped), but the two event loops run side by side on the machine's cores.
 *
 * The bench uses it (bench/stack/stack-process.ts); the tests keep handlers in-process, where a
 * test can reach into their modules. The thread shares the process environment (SHARE_ENV), so
 * what the local stack sets for the handlers (configureHandlers) is what they read, as in-process.
 * Invocations run concurrently inside the one thread, as they do in the one process otherwise.
 */
import { SHARE_ENV, Worker } from 'node:worker_threads';
import { type FunctionRuntime, type FunctionSpec, sourceHandlerUrl } from './lambda-runtime';

/** A message to the functions' thread. */
export type ToFunctions =
  | { readonly kind: 'load'; readonly id: number; readonly handler: string; readonly url: string }
  | {
      readonly kind: 'invoke';
      readonly id: number;
      readonly spec: FunctionSpec;
      readonly event: unknown;
    };

/** Its answer to the message with the same id. */
export type FromFunctions =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: { readonly name: string; readonly message: string; readonly stack?: string };
    };

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class ThreadLambdaRuntime implements FunctionRuntime {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private stopped: Error | undefined;

  constructor(private readonly resolve: (handler: string) => string = sourceHandlerUrl) {}

  load(handler: string): Promise<void> {
    return this.call({ kind: 'load', id: 0, handler, url: this.resolve(handler) }).then(
      () => undefined,
    );
  }

  invoke(spec: FunctionSpec, event: unknown): Promise<unknown> {
    // Only the spec's own fields cross: route integrations carry more (table access, workers).
    const { handler, memoryMb, timeoutSeconds } = spec;
    return this.call({ kind: 'invoke', id: 0, spec: { handler, memoryMb, timeoutSeconds }, event });
  }

  async close(): Promise<void> {
    this.fail(new Error('the functions thread was stopped'));
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private call(message: ToFunctions): Promise<unknown> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread().postMessage({ ...message, id });
    });
  }

  /** The thread, started on first use: after the local stack has set the handlers' environment. */
  private thread(): Worker {
    if (this.worker) return this.worker;
    // tsx loads the TypeScript handler modules in the thread, as `npm start` and the bench load
    // them in the main thread: a worker does not inherit the parent's module hooks, and on Node 20
    // `--import tsx` in its execArgv comes too late for its own entry, so the entry registers tsx
    // and then imports the thread's module.
    const entry = JSON.stringify(new URL('./lambda-thread.ts', import.meta.url).href);
    const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
    const worker = new Worker(
      `import(${tsx}).then(({ register }) => { register(); return import(${entry}); });`,
      { eval: true, env: SHARE_ENV },
    );
    worker.on('message', (answer: FromFunctions) => {
      const pending = this.pending.get(answer.id);
      if (!pending) return;
      this.pending.delete(answer.id);
      if (answer.ok) pending.resolve(answer.value);
      else pending.reject(Object.assign(new Error(answer.error.message), answer.error));
    });
    // An error nothing in the thread caught (a handler's stray rejection) ends the thread, and
    // every invocation after it fails with that error: in-process it would have ended the process.
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the functions thread exited (${code})`)));
    this.worker = worker;
    return worker;
  }

  /** Rejects every pending call, and every later one, with `error`. */
  private fail(error: Error): void {
    this.stopped ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
