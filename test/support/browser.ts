/**
 * The system Chromium (Debian's `chromium` package) driven by playwright-core: Playwright's own
 * browser downloads cannot work here, so the tests use whatever Chromium the machine has.
 * `.ci/run` installs it when missing.
 */
import { accessSync, constants } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** Where to look, first match wins; CHROMIUM_PATH overrides. */
const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
];

/**
 * Quiet, deterministic headless Chromium: no GPU, no sandbox (containers run as root), and none
 * of the background traffic (updates, sync, field trials) a test must not send.
 */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The Chromium to drive, or undefined when this machine has none. */
export function findChromium(): string | undefined {
  const override = process.env.CHROMIUM_PATH;
  if (override) return executable(override) ? override : undefined;
  return CANDIDATES.find(executable);
}

/**
 * Launches Chromium. Playwright gives every launch a fresh temporary user-data-dir (and deletes it
 * on close), and every `newContext()` is an isolated profile: two contexts are two browsers that
 * share nothing — cookies, localStorage and sessionStorage included.
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_FLAGS });
}
