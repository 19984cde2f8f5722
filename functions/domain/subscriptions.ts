/**
 * subscription: what a user's `wx.requestSubscribeMessage` answered, and their notification
 * switch, stored per user and template; answered with the standing after it. Each one-time
 * acceptance is a credit the notifier may spend (functions/domain/notify.ts). Students subscribe
 * to "desk replied", admins to "a student is waiting"; the other way round is FORBIDDEN.
 */
import type { SubscriptionFrame } from '../../protocol/client-frames';
import type { ChatContext } from './chat-context';
import { ForbiddenError } from './errors';
import { reply } from './fan-out';
import type { Caller } from './identity';
import type { CreditState, CreditStore, TemplateKey } from './notify-ports';

/** One-time credits kept per user and template at most; acceptances beyond are not counted. */
export const MAX_CREDITS = 50;

export interface SubscriptionDeps {
  readonly credits: CreditStore;
  /** WeChat template ids by template ('' when not configured). */
  readonly templateIds: Readonly<Record<TemplateKey, string>>;
}

const TEMPLATE_ROLE: Readonly<Record<TemplateKey, Caller['role']>> = {
  deskReplied: 'student',
  studentWaiting: 'admin',
};

/** Records the frame's choice or switch and answers the caller with its standing. */
export async function recordSubscription(
  ctx: ChatContext,
  deps: SubscriptionDeps,
  caller: Caller,
  frame: SubscriptionFrame,
): Promise<void> {
  const template = frame.template;
  if (TEMPLATE_ROLE[template] !== caller.role)
    throw new ForbiddenError(`${template} notifications are not for your role`);
  let state: CreditState;
  if (frame.result !== undefined) {
    state = await deps.credits.record(
      caller.userId,
      template,
      frame.result,
      frame.alwaysKeep === true,
      MAX_CREDITS,
    );
  } else if (frame.off !== undefined) {
    state = await deps.credits.setOff(caller.userId, template, frame.off);
  } else {
    state = await deps.credits.get(caller.userId, template);
  }
  await reply(ctx, caller.connectionId, {
    type: 'subscription',
    ...(frame.id !== undefined ? { id: frame.id } : {}),
    template,
    templateId: deps.templateIds[template],
    credits: state.credits,
    off: state.off,
    alwaysKeep: state.alwaysKeep,
    ...(state.lastChoice ? { lastChoice: state.lastChoice } : {}),
  });
}
