/** What the chat core tells the server about the app's foreground/background (`appstate`). */
import { describe, expect, it } from 'vitest';
import type { ClientFrame } from '../protocol/client-frames';
import { AppStateReporter } from './app-state';

function reporter(open: { value: boolean }) {
  const sent: ClientFrame[] = [];
  const appState = new AppStateReporter((frame) => {
    if (!open.value) return false;
    sent.push(frame);
    return true;
  });
  return { appState, sent };
}

describe('AppStateReporter', () => {
  it('reports each change once, on the open socket', () => {
    const open = { value: true };
    const { appState, sent } = reporter(open);
    appState.set(true);
    appState.set(false);
    appState.set(false);
    appState.set(true);
    expect(sent).toEqual([
      { action: 'appstate', state: 'background' },
      { action: 'appstate', state: 'foreground' },
    ]);
  });

  it('owes nothing for a socket that was not told, nor after a new socket opened', () => {
    const open = { value: false };
    const { appState, sent } = reporter(open);
    appState.set(false);
    open.value = true;
    appState.set(true);
    expect(sent).toEqual([]);

    appState.set(false);
    // WeChat killed that socket; the app returns and a new one opens in the foreground.
    open.value = false;
    appState.set(true);
    open.value = true;
    appState.opened();
    expect(sent).toEqual([{ action: 'appstate', state: 'background' }]);
  });

  it('tells a socket that opens while the app is hidden', () => {
    const open = { value: false };
    const { appState, sent } = reporter(open);
    appState.set(false);
    open.value = true;
    appState.opened();
    appState.set(true);
    expect(sent).toEqual([
      { action: 'appstate', state: 'background' },
      { action: 'appstate', state: 'foreground' },
    ]);
  });
});
