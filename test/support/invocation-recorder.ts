/**
 * Records the Lambda invocations of a local stack whose handlers are loaded through
 * `serialized-handler.ts`, and runs them one at a time. One at a time is what makes attributing
 * DynamoDB requests exact: a request that reaches the DynamoDB proxy while an invocation runs was
 * made by that invocation, even when the gateway starts another one meanwhile (a 410 on a reply
 * cuts the connection, whose $disconnect then waits for the reply's handler to finish). No handler
 * waits for another invocation to finish, so queueing them cannot deadlock.
 *
 * The state lives on `globalThis`: the wrapper modules are loaded by the gateway's Lambda runtime
 * (one module per query string), the test file reads it, and both must see the same recorder.
 */

/** One invocation of a handler. */
export interface InvocationRecord {
  /** Order of arrival, from 1. */
  readonly seq: number;
  /** Handler file name (functions/handlers/<handler>.ts). */
  readonly handler: string;
  /** The connection of a WebSocket event; '' for the HTTP API. */
  readonly connectionId: string;
  /** The label of the test step that was running when the invocation arrived. */
  readonly step: string;
  finished: boolean;
}

interface RecorderState {
  step: string;
  seq: number;
  running: InvocationRecord | undefined;
  /** Arrived and not finished (queued or running). */
  pending: number;
  tail: Promise<void>;
  readonly invocations: InvocationRecord[];
}

const KEY = Symbol.for('campus-chat.test.invocation-recorder');

function state(): RecorderState {
  const global = globalThis as { [KEY]?: RecorderState };
  global[KEY] ??= {
    step: '(no step)',
    seq: 0,
    running: undefined,
    pending: 0,
    tail: Promise.resolve(),
    invocations: [],
  };
  return global[KEY];
}

/** Runs one invocation after every earlier one has finished, recording it. */
export async function runSerialized<T>(
  handler: string,
  connectionId: string,
  run: () => Promise<T>,
): Promise<T> {
  const s = state();
  const record: InvocationRecord = {
    seq: ++s.seq,
    handler,
    connectionId,
    step: s.step,
    finished: false,
  };
  s.invocations.push(record);
  s.pending += 1;
  const previous = s.tail;
  let release = (): void => undefined;
  s.tail = new Promise<void>((resolve) => {
    release = resolve;
  });
  await previous;
  s.running = record;
  try {
    return await run();
  } finally {
    s.running = undefined;
    record.finished = true;
    s.pending -= 1;
    release();
  }
}

/** The invocation running now, if any. */
export function runningInvocation(): InvocationRecord | undefined {
  return state().running;
}

/** Every invocation recorded so far, in order of arrival. */
export function invocations(): readonly InvocationRecord[] {
  return state().invocations;
}

/** Names the test step that invocations arriving from now on belong to. */
export function beginStep(step: string): void {
  state().step = step;
}

/** Whether no invocation is queued or running. */
export function isIdle(): boolean {
  return state().pending === 0;
}

/** The module that runs every handler through the recorder (serialized-handler.ts). */
export const SERIALIZED_HANDLER_URL = new URL('./serialized-handler.ts', import.meta.url).href;
