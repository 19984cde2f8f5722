/**
 * Drives the browser console in Chromium for the tests: a logged-in page per person (an isolated
 * browser profile each, or another tab of one), exceptions thrown in any page collected, which
 * connection belongs to whom (to cut one user's socket), and locators for what a person looks at.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { LocalStack } from '../../local/local-stack';

/** The browser a person uses: its language and screen. */
export interface BrowserOptions {
  readonly locale?: string;
  readonly viewport?: { readonly width: number; readonly height: number };
}

export class ConsoleDriver {
  private readonly contexts: BrowserContext[] = [];
  private readonly pageErrors: string[] = [];
  /** connectionId -> user id, from the tokens of $connect events. */
  private readonly connectionUsers = new Map<string, string>();

  constructor(
    private readonly stack: LocalStack,
    private readonly browser: Browser,
  ) {
    stack.gateway.on('invocation', ({ routeKey, connectionId, event }) => {
      const token = (event as { queryStringParameters?: Record<string, string> })
        .queryStringParameters?.token;
      if (routeKey !== '$connect' || !token) return;
      const payload = token.split('.')[1] ?? '';
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        sub: string;
      };
      this.connectionUsers.set(connectionId, claims.sub);
    });
  }

  /**
   * The console logged in as `userId` and online: in a fresh, isolated browser profile, or as
   * another tab of `context`.
   */
  async openConsole(
    userId: string,
    name: string,
    context?: BrowserContext,
    options: BrowserOptions = {},
  ): Promise<Page> {
    const page = await this.newPage(userId, context, options);
    await page.goto(this.stack.urls.console);
    // By id: the labels are in the browser's language.
    await page.locator('#login-id').fill(userId);
    await page.locator('#login-name').fill(name);
    await page.locator('.login-form button[type="submit"]').click();
    await banner(page, 'online').waitFor();
    return page;
  }

  /**
   * A blank page in a fresh profile (or another tab of `shared`). The browser's language is
   * English unless `options.locale` says otherwise (it sets `navigator.languages`).
   */
  async newPage(
    label: string,
    shared?: BrowserContext,
    options: BrowserOptions = {},
  ): Promise<Page> {
    const context =
      shared ??
      (await this.browser.newContext({
        viewport: options.viewport ?? { width: 1100, height: 760 },
        locale: options.locale ?? 'en-US',
        ...(options.viewport && options.viewport.width < 500
          ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 }
          : {}),
      }));
    if (!shared) this.contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (error) => this.pageErrors.push(`${label}: ${error.message}`));
    return page;
  }

  /** The open connections of a user. */
  connectionsOf(userId: string): string[] {
    return this.stack.gateway
      .connectionIds()
      .filter((id) => this.connectionUsers.get(id) === userId);
  }

  /** Closes every page; returns the exceptions the pages threw meanwhile. */
  async closeAll(): Promise<string[]> {
    for (const context of this.contexts.splice(0)) await context.close();
    return this.pageErrors.splice(0);
  }
}

/** The connection banner in a state (online, connecting, reconnecting, offline). */
export function banner(page: Page, status: string): Locator {
  return page.locator(`.banner[data-status="${status}"]`);
}

/**
 * The message row showing exactly `text`, optionally in a send state. `stored` is sent or read:
 * a message another member sees at once is "Read" before a test could catch it "Sent".
 */
export function messageRow(
  page: Page,
  text: string,
  state?: 'stored' | 'sending' | 'failed' | 'read',
): Locator {
  const selector =
    state === undefined
      ? 'li.message'
      : state === 'stored'
        ? 'li.message:is([data-state="sent"], [data-state="read"])'
        : `li.message[data-state="${state}"]`;
  return page
    .locator(selector)
    .filter({ has: page.locator('.message-text').getByText(text, { exact: true }) });
}

/** A conversation in the sidebar (the desk inbox, the student's desk conversation, a room). */
export function inboxRow(page: Page, conversationId: string): Locator {
  return page.locator(`button.conversation[data-conversation="${conversationId}"]`);
}
