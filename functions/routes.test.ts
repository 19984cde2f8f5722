import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_FRAMES } from '../protocol/client-frames';
import { LOGIN_ROUTE, ROUTES, selectRoute } from './routes';
import { TABLES } from './tables';

describe('selectRoute', () => {
  it.each([
    ['{"action":"sendmessage"}', 'sendmessage'],
    ['{"action":"ping","extra":1}', 'ping'],
    ['{"action":"SENDMESSAGE"}', '$default'],
    ['{"action":"$connect"}', '$default'],
    ['{"action":7}', '$default'],
    ['{"nothing":true}', '$default'],
    ['[{"action":"sync"}]', '$default'],
    ['null', '$default'],
    ['not json', '$default'],
    ['', '$default'],
  ])('routes %s to %s', (body, routeKey) => {
    expect(selectRoute(body).routeKey).toBe(routeKey);
  });
});

describe('the route table', () => {
  it('has one route per client action plus $connect, $disconnect and $default', () => {
    const keys = ROUTES.map((r) => r.routeKey);

    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.sort()).toEqual(
      ['$connect', '$default', '$disconnect', ...Object.keys(CLIENT_FRAMES)].sort(),
    );
  });

  it('points every Lambda route at a handler file, and declares only tables that exist', () => {
    const tableIds = new Set(TABLES.map((t) => t.id));
    const handlers = [
      ...ROUTES.flatMap((r) => (r.integration.kind === 'lambda' ? [r.integration] : [])),
      LOGIN_ROUTE,
    ];

    for (const integration of handlers) {
      expect(
        existsSync(new URL(`./handlers/${integration.handler}.ts`, import.meta.url)),
        integration.handler,
      ).toBe(true);
      for (const table of Object.keys(integration.tables))
        expect(tableIds.has(table as never), table).toBe(true);
    }
  });

  it('answers ping with a MOCK integration, so a heartbeat runs no function', () => {
    const ping = ROUTES.find((r) => r.routeKey === 'ping');

    expect(ping?.integration).toEqual({ kind: 'mock', response: '{"type":"pong"}' });
  });
});
