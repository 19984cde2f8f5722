import { describe, expect, it } from 'vitest';
import { clfTime, connectEvent, connectHeaders, gatewayId, traceId } from './lambda-events';

describe('event details', () => {
  it('formats requestTime as API Gateway does', () => {
    expect(clfTime(Date.UTC(2019, 2, 19, 9, 39, 18))).toBe('19/Mar/2019:09:39:18 +0000');
  });

  it('makes ids shaped like API Gateway connection ids, in the URL-safe alphabet', () => {
    const ids = new Set(Array.from({ length: 500 }, gatewayId));

    expect(ids.size).toBe(500);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/);
    // 500 ids of 15 random characters all but surely use - or _ somewhere; + and / never.
    expect([...ids].join('')).toMatch(/[-_]/);
    expect([...ids].join('')).not.toMatch(/[+/]/);
  });

  it('makes X-Ray trace headers from the request time', () => {
    expect(traceId(Date.UTC(2024, 10, 11, 11, 35, 24))).toMatch(/^Root=1-6731ebfc-[0-9a-f]{24}$/);
  });

  it('keeps the client header casing, drops Connection/Upgrade and adds the forwarding headers', () => {
    const headers = connectHeaders(
      [
        'Host',
        'h',
        'connection',
        'Upgrade',
        'Upgrade',
        'websocket',
        'X-Forwarded-For',
        '198.51.100.7',
        'x-amzn-trace-id',
        'Root=forged',
        'sec-websocket-key',
        'k',
      ],
      '10.0.0.1',
      { port: 443, proto: 'https' },
      0,
    );

    expect(headers.map(([name]) => name)).toEqual([
      'Host',
      'sec-websocket-key',
      'X-Amzn-Trace-Id',
      'X-Forwarded-For',
      'X-Forwarded-Port',
      'X-Forwarded-Proto',
    ]);
    expect(Object.fromEntries(headers)).toMatchObject({
      'X-Amzn-Trace-Id': expect.stringMatching(/^Root=1-0-[0-9a-f]{24}$/),
      'X-Forwarded-For': '198.51.100.7, 10.0.0.1',
      'X-Forwarded-Port': '443',
      'X-Forwarded-Proto': 'https',
    });
  });

  it('gives repeated query parameters in multiValue form and the last one in single form', () => {
    const event = connectEvent(
      { apiId: 'a', domainName: 'd', stage: 's' },
      { connectionId: 'c', connectedAt: 1, sourceIp: '10.0.0.1', userAgent: undefined },
      [['Host', 'd']],
      new URLSearchParams('token=one&token=two&lang=zh'),
    );

    expect(event.queryStringParameters).toEqual({ token: 'two', lang: 'zh' });
    expect(event.multiValueQueryStringParameters).toEqual({ token: ['one', 'two'], lang: ['zh'] });
    expect(event.requestContext.identity).toEqual({ sourceIp: '10.0.0.1' });
  });
});
