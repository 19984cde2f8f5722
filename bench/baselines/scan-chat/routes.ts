/** The Scan baseline's route table, for the local gateway (`routes` + `resolveHandler`). */
import type { RouteDefinition } from '../../../functions/routes';

/** Memory of the sample's functions (its SAM template: MemorySize 256). */
export const SCAN_MEMORY_MB = 256;

const lambda = (handler: string) =>
  ({
    kind: 'lambda',
    handler,
    tables: {},
    manageConnections: true,
    memoryMb: SCAN_MEMORY_MB,
    timeoutSeconds: 30,
  }) as const;

export const SCAN_ROUTES: readonly RouteDefinition[] = [
  { routeKey: '$connect', integration: lambda('connect') },
  { routeKey: '$disconnect', integration: lambda('disconnect') },
  { routeKey: 'sendmessage', integration: lambda('sendmessage') },
  // The sample has no $default; the local gateway needs one to route unknown frames.
  { routeKey: '$default', integration: { kind: 'mock', response: '' } },
];

/** Module URL of one of the baseline's handlers. */
export function scanHandlerUrl(handler: string): string {
  return new URL(`./${handler}.ts`, import.meta.url).href;
}
