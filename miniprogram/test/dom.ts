/**
 * A DOM (jsdom) for miniprogram-simulate, installed as globals in a Node-environment test file:
 * j-component renders the component tree into it.
 */
import { JSDOM } from 'jsdom';

const GLOBALS = [
  'window',
  'document',
  'navigator',
  'Node',
  'Element',
  'HTMLElement',
  'Event',
  'CustomEvent',
  'MouseEvent',
  'getComputedStyle',
  'requestAnimationFrame',
  'cancelAnimationFrame',
] as const;

/** Installs the globals once; later calls reuse them. */
export function installDom(): void {
  const g = globalThis as Record<string, unknown>;
  if (g.document) return;
  const dom = new JSDOM('<!doctype html><html><body></body></html>', {
    url: 'https://servicewechat.com/',
    pretendToBeVisual: true,
  });
  const window = dom.window as unknown as Record<string, unknown>;
  for (const name of GLOBALS) {
    const value = name === 'window' ? dom.window : window[name];
    Object.defineProperty(globalThis, name, { value, configurable: true, writable: true });
  }
}
