/** Picks the servers for this mini-program version from config.ts. */
import { SERVER_FOR_VERSION, SERVERS, type ServerConfig } from '../config';
import { globalWx, type WxApi } from './wx-api';

let override: ServerConfig | undefined;

/** Points every service at other servers (tests: the local stack on a random port). */
export function setServerOverride(config: ServerConfig | undefined): void {
  override = config;
}

/** The servers to use: `develop` builds use the local stack, trial and release production. */
export function serverConfig(api: WxApi = globalWx()): ServerConfig {
  if (override) return override;
  const version = api.getAccountInfoSync().miniProgram.envVersion;
  return SERVERS[SERVER_FOR_VERSION[version] ?? 'production'];
}
