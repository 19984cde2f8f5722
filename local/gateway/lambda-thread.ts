/**
 * The worker-thread side of ThreadLambdaRuntime: a LambdaRuntime in a thread of its own, driven
 * by messages from the thread that owns the gateway. See thread-runtime.ts for why.
 */
import { parentPort } from 'node:worker_threads';
import { LambdaRuntime } from './lambda-runtime';
import type { FromFunctions, ToFunctions } from './thread-runtime';

const port = parentPort;
if (!port) throw new Error('lambda-thread.ts runs as a worker thread (see thread-runtime.ts)');

const urls = new Map<string, string>();
const runtime = new LambdaRuntime((handler) => {
  const url = urls.get(handler);
  if (!url) throw new Error(`${handler} was invoked before it was loaded`);
  return url;
});

function failure(cause: unknown): Extract<FromFunctions, { ok: false }>['error'] {
  const error = cause instanceof Error ? cause : new Error(String(cause));
  return { name: error.name, message: error.message, stack: error.stack };
}

port.on('message', (message: ToFunctions) => {
  const work =
    message.kind === 'load'
      ? (urls.set(message.handler, message.url), runtime.load(message.handler))
      : runtime.invoke(message.spec, message.event);
  work.then(
    (value: unknown) =>
      port.postMessage({ id: message.id, ok: true, value } satisfies FromFunctions),
    (cause: unknown) =>
      port.postMessage({
        id: message.id,
        ok: false,
        error: failure(cause),
      } satisfies FromFunctions),
  );
});
