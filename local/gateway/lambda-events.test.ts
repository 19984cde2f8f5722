import { describe, expect, it } from 'vitest';
import { clfTime, connectEvent, gatewayId } from './lambda-events';

describe('event details', () => {
  it('formats requestTime as API Gateway does', () => {
    expect(clfTime(Date.UTC(2019, 2, 19, 9, 39, 18))).toBe('19/Mar/2019:09:39:18 +0000');
  });

  it('makes ids shaped like API Gateway connection ids', () => {
    const ids = new Set(Array.from({ length: 100 }, gatewayId));

    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9+/]{15}=$/);
  });

  it('gives repeated query parameters in multiValue form and the last one in single form', () => {
    const event = connectEvent(
      { apiId: 'a', domainName: 'd', stage: 's' },
      { connectionId: 'c', connectedAt: 1, sourceIp: '10.0.0.1', userAgent: undefined },
      { host: 'd' },
      new URLSearchParams('token=one&token=two&lang=zh'),
    );

    expect(event.queryStringParameters).toEqual({ token: 'two', lang: 'zh' });
    expect(event.multiValueQueryStringParameters).toEqual({ token: ['one', 'two'], lang: ['zh'] });
    expect(event.requestContext.identity).toEqual({ sourceIp: '10.0.0.1', userAgent: null });
  });
});
