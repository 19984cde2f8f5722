/**
 * appstate: the caller's app went to the background or came back. WeChat suspends a hidden
 * mini-program about 5 s after wx.onAppHide ("挂起": its JS stops, callbacks wait for the return
 * to the foreground, https://developers.weixin.qq.com/miniprogram/dev/framework/runtime/operating-mechanism.html),
 * while its socket can stay open until the gateway's 10-minute idle timeout closes it. The
 * connection record is marked so the notifier counts only foreground connections as someone being
 * online (functions/adapters/dynamo-notifications.ts). Not answered: the frame is sent from
 * onHide, and a reply would arrive at a suspended app.
 */
import type { AppStateFrame } from '../../protocol/client-frames';
import type { ChatContext } from './chat-context';
import type { Caller } from './identity';

/** Marks the caller's connection background or foreground (idempotent). */
export async function setAppState(
  ctx: ChatContext,
  caller: Caller,
  frame: AppStateFrame,
): Promise<void> {
  await ctx.connections.setBackground(caller.connectionId, frame.state === 'background', ctx.now());
}
