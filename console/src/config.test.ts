/** Server URLs: relative to the page locally, absolute for a static deployment. */
import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfig } from './config';

describe('console config', () => {
  it('derives ws and login URLs from the page origin, or takes absolute ones as they are', () => {
    expect(resolveConfig({}, 'http://127.0.0.1:3000/')).toEqual({
      websocketUrl: 'ws://127.0.0.1:3000/local',
      loginUrl: 'http://127.0.0.1:3000/login',
      webLoginUrl: 'http://127.0.0.1:3000/weblogin',
      devLogin: true,
    });
    expect(
      resolveConfig({ websocketUrl: '/local' }, 'https://chat.example.edu.cn/console/'),
    ).toEqual({
      websocketUrl: 'wss://chat.example.edu.cn/local',
      loginUrl: 'https://chat.example.edu.cn/login',
      webLoginUrl: 'https://chat.example.edu.cn/weblogin',
      devLogin: true,
    });
    expect(
      resolveConfig(
        {
          websocketUrl: 'wss://ws.example.edu.cn/',
          loginUrl: 'https://api.example.edu.cn/login',
          webLoginUrl: 'https://api.example.edu.cn/weblogin',
          devLogin: false,
        },
        'https://console.example.edu.cn/',
      ),
    ).toEqual({
      websocketUrl: 'wss://ws.example.edu.cn/',
      loginUrl: 'https://api.example.edu.cn/login',
      webLoginUrl: 'https://api.example.edu.cn/weblogin',
      devLogin: false,
    });
    expect(resolveConfig(null, 'http://localhost:8080/').loginUrl).toBe(
      'http://localhost:8080/login',
    );
  });

  it('reads config.json beside the page and falls back to the defaults without one', async () => {
    // Prepare
    const requested: string[] = [];
    const serving = (body: unknown, status = 200) =>
      (async (url: string) => {
        requested.push(url);
        return new Response(JSON.stringify(body), { status });
      }) as unknown as typeof fetch;

    // Act
    const found = await loadConfig(
      'https://console.example.edu.cn/app/index.html',
      serving({ websocketUrl: 'wss://ws.example.edu.cn/' }),
    );
    const missing = await loadConfig('http://127.0.0.1:3000/', serving({}, 404));

    // Assess
    expect(requested[0]).toBe('https://console.example.edu.cn/app/config.json');
    expect(found.websocketUrl).toBe('wss://ws.example.edu.cn/');
    expect(missing.websocketUrl).toBe('ws://127.0.0.1:3000/local');
  });
});
