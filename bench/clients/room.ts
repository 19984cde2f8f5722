/** A room of connected clients on one of the compared systems, ready to measure sends. */
import type { SendResult } from './delivery-tracker';

export type SystemId = 'ours' | 'socketio' | 'scan';

export interface RoomHandle {
  readonly system: SystemId;
  /** Members, all connected; each send goes to the other `size - 1`. */
  readonly size: number;
  /** Sends one message from member `from` (default 0) and resolves when every other has it. */
  send(from?: number): Promise<SendResult>;
  close(): Promise<void>;
}
