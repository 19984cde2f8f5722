/**
 * The chat core's KeyValueStorage on the Web Storage API (`localStorage` for the outbox, so
 * unsent messages survive a reload or a closed tab).
 */
import { type KeyValueStorage, MemoryStorage } from '../../../client/index';

/** Storage backed by a Web Storage area; a full quota rejects `set` (the core keeps trying). */
export function webStorage(area: Storage): KeyValueStorage {
  return {
    async get(key) {
      return area.getItem(key) ?? undefined;
    },
    async set(key, value) {
      area.setItem(key, value);
    },
    async remove(key) {
      area.removeItem(key);
    },
  };
}

/**
 * `localStorage`, or memory when the browser refuses it (storage disabled: merely reading the
 * property throws). Returns whether it is durable.
 */
export function durableStorage(): { storage: KeyValueStorage; durable: boolean } {
  try {
    const area = window.localStorage;
    const probe = 'campus-chat.probe';
    area.setItem(probe, '1');
    area.removeItem(probe);
    return { storage: webStorage(area), durable: true };
  } catch {
    return { storage: new MemoryStorage(), durable: false };
  }
}
