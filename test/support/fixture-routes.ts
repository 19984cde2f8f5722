/** Extra routes backed by fixture handlers, for tests of how the gateway treats failing functions. */

import { ROUTES, type RouteDefinition } from '../../functions/routes';
import { sourceHandlerUrl } from '../../local/gateway/lambda-runtime';

const FIXTURES = new Set(['explode', 'sleepy']);

function fixture(routeKey: string, timeoutSeconds: number): RouteDefinition {
  return {
    routeKey,
    integration: {
      kind: 'lambda',
      handler: routeKey,
      tables: {},
      manageConnections: false,
      memoryMb: 128,
      timeoutSeconds,
    },
  };
}

/** The product's routes plus `explode` (throws) and `sleepy` (times out after 1 s). */
export const ROUTES_WITH_FIXTURES: readonly RouteDefinition[] = [
  ...ROUTES,
  fixture('explode', 3),
  fixture('sleepy', 1),
];

/** Loads fixture handlers from test/fixtures/handlers, everything else from functions/handlers. */
export function resolveWithFixtures(handler: string): string {
  return FIXTURES.has(handler)
    ? new URL(`../fixtures/handlers/${handler}.ts`, import.meta.url).href
    : sourceHandlerUrl(handler);
}
