/**
 * Server URLs, in this one file.
 *
 * - `local`: `npm start` on this machine. For WeChat DevTools with "Does not verify valid domain
 *   names" ticked (project.config.json sets `urlCheck: false`). To preview on a phone, replace
 *   127.0.0.1 with this computer's LAN address.
 * - `production`: WeChat only lets a mini-program reach whitelisted, ICP-filed HTTPS/WSS domains,
 *   so the WebSocket API and the login API sit behind the custom domains registered in the
 *   mini-program's admin console (Development > Development settings > Server domains). Replace
 *   the example domains with yours.
 */
export interface ServerConfig {
  /** WebSocket API, without the token (the client appends `?token=`). */
  readonly websocketUrl: string;
  /** POST /login of the HTTP API. */
  readonly loginUrl: string;
  /**
   * The local stack's stand-in for WeChat accepts only `dev-<user id>` login codes (the codes
   * `wx.login` returns are valid only at WeChat's servers), so the login page asks for a user id.
   */
  readonly devLogin?: boolean;
}

export const SERVERS = {
  local: {
    websocketUrl: 'ws://127.0.0.1:3000/local',
    loginUrl: 'http://127.0.0.1:3000/login',
    devLogin: true,
  },
  production: {
    websocketUrl: 'wss://chat.example.edu.cn/',
    loginUrl: 'https://chat-api.example.edu.cn/login',
  },
} as const satisfies Record<string, ServerConfig>;

export type ServerName = keyof typeof SERVERS;

/** Which servers each mini-program version talks to (`envVersion` of wx.getAccountInfoSync). */
export const SERVER_FOR_VERSION: Record<'develop' | 'trial' | 'release', ServerName> = {
  develop: 'local',
  trial: 'production',
  release: 'production',
};
