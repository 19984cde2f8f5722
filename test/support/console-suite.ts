/**
 * The shared setup of the browser-console suites (test/console-*.test.ts): a test stack, real
 * Chromium driving the console it serves, protocol-level clients beside it, and the checks every
 * suite makes — CI must have Chromium, and no page may log an error (driver.closeAll).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import type { LocalStack, LocalStackOptions } from '../../local/local-stack';
import { findChromium, launchChromium } from './browser';
import { ChatTestClient, login } from './chat-client';
import { ConsoleDriver } from './console-driver';
import { startTestStack } from './test-stack';

/** The system Chromium, or undefined where there is none (outside CI the suites then skip). */
export const chromiumPath = findChromium();
if (!chromiumPath && process.env.CI) {
  throw new Error('CI must run the browser console tests: no Chromium found (.ci/run installs it)');
}

/** Where the suites' screenshots go (docs/img/ holds copies for the docs). */
export const SCREENSHOTS = join('test-results', 'console');

/** Browser options for a Chinese-speaking user. */
export const ZH = { locale: 'zh-CN' } as const;

/** What a console suite drives. */
export interface ConsoleSuite {
  readonly stack: LocalStack;
  /** Undefined without Chromium (the suite's tests are skipped then). */
  readonly driver: ConsoleDriver;
  /** A protocol-level client logged in as `name`, closed after the suite. */
  raw(name: string, displayName: string): Promise<ChatTestClient>;
}

/**
 * Registers the hooks that start the stack (with `options`) and the browser before the suite's
 * tests and stop them after; the returned function gives the suite inside hooks and tests.
 */
export function useConsoleSuite(options: LocalStackOptions): () => ConsoleSuite {
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  let driver: ConsoleDriver | undefined;
  const clients: ChatTestClient[] = [];
  const suite = (): ConsoleSuite => {
    if (!stack) throw new Error('the console suite has not started (use it in hooks and tests)');
    const started = stack;
    return {
      stack: started,
      driver: driver as ConsoleDriver,
      async raw(name, displayName) {
        const { token } = await login(started, name, displayName);
        const client = await ChatTestClient.connect(
          `${started.urls.websocket}?token=${encodeURIComponent(token)}`,
        );
        clients.push(client);
        return client;
      },
    };
  };
  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    stack = await startTestStack(options);
    if (chromiumPath) {
      browser = await launchChromium(chromiumPath);
      driver = new ConsoleDriver(stack, browser);
    }
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all(clients.map((c) => c.close()));
    await stack?.stop();
  });
  afterEach(async () => {
    if (driver) expect(await driver.closeAll()).toEqual([]);
  });
  return suite;
}
