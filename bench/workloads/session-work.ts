/**
 * The work of a session's start and end on our stack: users connect and disconnect one at a time
 * (so each $connect's DynamoDB calls are its own), and the invocations are measured.
 */

import { closeSocket, connectWithToken, login } from '../clients/ours-protocol';
import {
  type SendWork,
  summarizeWork,
  type WorkSummary,
  workPerInvocation,
} from '../metrics/dynamo-work';
import type { StackHandle } from '../stack/stack-handle';

export interface SessionWork {
  readonly connect: WorkSummary;
  readonly disconnect: WorkSummary;
}

/** Connects and disconnects `count` users named `${prefix}${i}`, one at a time. */
export async function measureSessionWork(
  stack: StackHandle,
  prefix: string,
  count: number,
): Promise<SessionWork> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(await login(stack.info.login, `${prefix}${i}`));
  // Earlier phases may have left $disconnects running: measure on a quiet stack.
  await stack.settle();
  await stack.reset();
  for (const token of tokens) {
    const ws = await connectWithToken(stack.info.websocket, token);
    await closeSocket(ws);
    // $disconnect starts once the close is seen; let it finish before the next connect.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await stack.settle();
  }
  const metrics = await stack.metrics();
  const of = (handler: string): SendWork[] =>
    workPerInvocation(metrics.calls, metrics.invocations, handler);
  return { connect: summarizeWork(of('connect')), disconnect: summarizeWork(of('disconnect')) };
}
