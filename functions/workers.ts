/**
 * Functions invoked by other functions (not by a route, a stream or a bucket), declared once, next
 * to the route table and the event sources. The CDK stack creates one function per entry
 * (infra/lib/worker-functions.ts) and grants `lambda:InvokeFunction` on it to exactly the routes
 * that list its id in `invokes` (functions/routes.ts), giving them its name in `nameVariable`; the
 * local stack serves Lambda's Invoke API for each entry (local/lambda-invoke.ts), so the same
 * @aws-sdk/client-lambda call reaches the same handler here.
 */
import type { TableAccess } from './routes';
import type { TableId } from './tables';

export type WorkerId = 'fanOutWorker';

export interface WorkerFunction {
  /** Short, stable name (construct id; what `invokes` lists). */
  readonly id: WorkerId;
  /** File name under `functions/handlers/` exporting `handler`. */
  readonly handler: string;
  /** The environment variable a caller reads the function's name from. */
  readonly nameVariable: string;
  /** What the handler touches (granted exactly, as for routes). */
  readonly tables: Partial<Record<TableId, TableAccess>>;
  /**
   * Whether the handler posts to connections; it has no WebSocket event to learn the endpoint
   * from, so the stack sets CONNECTIONS_API_URL (as for the stream consumers).
   */
  readonly manageConnections: boolean;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

/**
 * The fan-out worker (functions/domain/fan-out-split.ts): posts one slice of a large fan-out. Its
 * access is what deliver needs: the posts, and the removal of a connection found gone (the
 * connection record read for its topics, it and its subscriptions deleted).
 */
export const FAN_OUT_WORKER: WorkerFunction = {
  id: 'fanOutWorker',
  handler: 'fanout-worker',
  nameVariable: 'FAN_OUT_WORKER_FUNCTION',
  tables: { connections: 'readWrite', subscriptions: 'readWrite' },
  manageConnections: true,
  // As the frame handlers that fan out: the post rate is CPU-bound in the SDK (docs/benchmarks.md).
  memoryMb: 512,
  timeoutSeconds: 10,
};

export const WORKERS: readonly WorkerFunction[] = [FAN_OUT_WORKER];

/** The worker with the given id. */
export function worker(id: WorkerId): WorkerFunction {
  const found = WORKERS.find((w) => w.id === id);
  if (!found) throw new Error(`unknown worker ${id}`);
  return found;
}
