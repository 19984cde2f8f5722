/**
 * A handler module the bench loads into the functions' thread (never a route): starts and stops
 * a V8 CPU profile of that thread, whose work the stack process's own profile cannot see.
 */
import type { Profiler } from 'node:inspector';
import { Session } from 'node:inspector/promises';

/** The name the bench loads it under. */
export const THREAD_PROFILER = 'bench-thread-profiler';

let session: Session | undefined;

export async function handler(event: {
  readonly op: 'start' | 'stop';
}): Promise<Profiler.Profile | null> {
  if (event.op === 'start') {
    session = new Session();
    // In a worker thread, connect() attaches to that thread's own isolate.
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 500 });
    await session.post('Profiler.start');
    return null;
  }
  if (!session) throw new Error('not profiling');
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  session = undefined;
  return profile;
}
