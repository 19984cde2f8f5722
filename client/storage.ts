/**
 * Durable key-value storage for what must survive the app being killed (the outbox). The
 * mini-program backs it with `wx.setStorage`, the browser with `localStorage`. Values are strings
 * (JSON), which every platform stores as is.
 */
export interface KeyValueStorage {
  /** The stored value, or undefined when there is none. */
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/** Storage in memory: for tests (share one instance to simulate an app restart) and for tools. */
export class MemoryStorage implements KeyValueStorage {
  readonly values = new Map<string, string>();

  async get(key: string): Promise<string | undefined> {
    return this.values.get(key);
  }

  async set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
  }

  async remove(key: string): Promise<void> {
    this.values.delete(key);
  }
}
