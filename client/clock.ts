/**
 * Time, timers and randomness, injected so the connection core runs on any platform and the tests
 * drive it with a fake clock instead of real waits.
 */

export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

// The core is compiled without DOM, Node or WeChat typings so it cannot grow a dependency on any of
// them; these timer functions exist on every platform it runs on.
declare function setTimeout(callback: () => void, ms: number): TimerHandle;
declare function clearTimeout(handle: TimerHandle): void;

/** The platform's own clock and timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle),
};

/** A one-shot timer slot: setting it again replaces the previous timer. */
export class TimerSlot {
  private handle: TimerHandle | undefined;
  private armed = false;

  constructor(private readonly clock: Clock) {}

  /** Whether a timer is pending. */
  get pending(): boolean {
    return this.armed;
  }

  set(ms: number, callback: () => void): void {
    this.clear();
    this.armed = true;
    this.handle = this.clock.setTimeout(
      () => {
        this.armed = false;
        this.handle = undefined;
        callback();
      },
      Math.max(0, ms),
    );
  }

  clear(): void {
    if (this.armed) this.clock.clearTimeout(this.handle);
    this.armed = false;
    this.handle = undefined;
  }
}
