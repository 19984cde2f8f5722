/**
 * Loads pages of the BUILT mini-program headless with miniprogram-simulate, as DevTools would
 * load them: build into a scratch directory with the project's build script, point the built
 * services at the local stack, and render a page into jsdom.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LocalStack } from '../../local/local-stack';
import { buildMiniProgram } from '../scripts/build';
import { installDom } from './dom';
import { WxShim } from './wx-shim';

const require = createRequire(import.meta.url);

export interface SimulatedNode {
  dom: HTMLElement;
  dispatchEvent(name: string, options?: { detail?: unknown }): void;
}

export interface SimulatedPage extends SimulatedNode {
  instance: Record<string, (...args: unknown[]) => unknown> & { data: Record<string, unknown> };
  attach(parent: HTMLElement): void;
  querySelector(selector: string): SimulatedNode | undefined;
}

interface Simulate {
  load(path: string, options: { compiler: 'simulate'; rootPath: string }): string;
  render(id: string): SimulatedPage;
}

export interface BuiltMiniProgram {
  readonly dir: string;
  readonly shim: WxShim;
  /** A module of the build, loaded as WeChat would (CommonJS). */
  module<T>(path: string): T;
  /** Renders and attaches a page; call its onLoad yourself. */
  render(page: string): SimulatedPage;
  /** Signs out (stops the client) and deletes the build. */
  dispose(): Promise<void>;
}

/**
 * Builds the mini-program, installs the wx shim for `user` as the global wx, and logs in unless
 * `displayName` is undefined. `devLogin` points it at the local stack as a develop build would.
 */
export async function buildAndLogin(
  stack: LocalStack,
  user: string,
  displayName: string | undefined,
  devLogin = false,
  /** WeChat's language (`wx.getAppBaseInfo().language`); default `zh_CN`. */
  language?: string,
): Promise<BuiltMiniProgram> {
  const dir = mkdtempSync(join(tmpdir(), 'campus-chat-miniprogram-'));
  await buildMiniProgram(dir);
  const shim = new WxShim(language === undefined ? { user } : { user, language });
  (globalThis as { wx?: unknown }).wx = shim.api();
  const module = <T>(path: string) => require(join(dir, path)) as T;
  module<{ setServerOverride(c: object): void }>('services/environment.js').setServerOverride({
    websocketUrl: stack.urls.websocket,
    loginUrl: stack.urls.login,
    devLogin,
  });
  if (displayName !== undefined) {
    await module<{ login(name: string): Promise<unknown> }>('services/login.js').login(displayName);
  }
  installDom();
  const simulate = require('miniprogram-simulate') as Simulate;
  return {
    dir,
    shim,
    module,
    render(page) {
      const id = simulate.load(join(dir, page), { compiler: 'simulate', rootPath: dir });
      const rendered = simulate.render(id);
      rendered.attach(document.createElement('parent-wrapper'));
      return rendered;
    },
    async dispose() {
      await module<{ signOut(): Promise<void> }>('services/chat-session.js').signOut();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
