/**
 * The SocketTask transport on the wx shim against the real local stack. The shim keeps WeChat's
 * documented behaviour that a SocketTask closed before onOpen is not closed (wx.closeSocket docs),
 * so a handshake the core abandoned (its 10 s connect timeout) opens later: the transport must
 * close it then, or it stays a zombie connection that receives fan-out and holds one of the 5
 * sockets WeChat allows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withToken } from '../../client/index';
import type { LocalStack } from '../../local/local-stack';
import { login } from '../../test/support/chat-client';
import { startTestStack } from '../../test/support/test-stack';
import { SOCKET_TIMEOUT_MS, socketTransport } from '../src/services/socket-transport';
import { waitFor, WxShim } from './wx-shim';

let stack: LocalStack;

beforeAll(async () => {
  stack = await startTestStack({ console: false });
});

afterAll(async () => {
  await stack.stop();
});

function recorder() {
  const events: string[] = [];
  return {
    events,
    handlers: {
      onOpen: () => events.push('open'),
      onMessage: (data: string) => events.push(`message ${data}`),
      onClose: (code: number) => events.push(`close ${code}`),
      onError: (message: string) => events.push(`error ${message}`),
    },
  };
}

describe('the SocketTask transport', () => {
  it('closes a socket abandoned before it opened as soon as it opens (no zombie connection)', async () => {
    // Prepare
    const shim = new WxShim({ user: 'zed' });
    const { token } = await login(stack, 'zed');
    const { handlers } = recorder();
    let opened = false;
    const transport = socketTransport(shim.api());

    // Act: the core gives up on the handshake before it completes (as at its connect timeout).
    const socket = transport.open(withToken(stack.urls.websocket, token), {
      ...handlers,
      onOpen: () => {
        opened = true;
      },
    });
    socket.close(1000, 'connect timeout');
    const task = shim.tasks[0];
    await waitFor(() => task?.closed === true, 'the abandoned task to be closed', 5_000);

    // Assess
    expect(task?.closeIgnored).toBe(true); // WeChat ignored the early close, as documented
    expect(shim.openTasks()).toEqual([]);
    expect(opened).toBe(false); // the core never hears of the late open
  });

  it('passes a handshake timeout and TCP_NODELAY to wx.connectSocket', async () => {
    // Prepare
    const shim = new WxShim({ user: 'yan' });
    const { token } = await login(stack, 'yan');
    const { events, handlers } = recorder();

    // Act
    const socket = socketTransport(shim.api()).open(
      withToken(stack.urls.websocket, token),
      handlers,
    );
    await waitFor(() => events.includes('open'), 'open');
    socket.close(1000, 'done');
    await waitFor(() => shim.tasks[0]?.closed === true, 'closed');

    // Assess
    expect(shim.tasks[0]?.options).toMatchObject({ timeout: SOCKET_TIMEOUT_MS, tcpNoDelay: true });
  });
});
