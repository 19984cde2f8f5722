/**
 * WeChat's check of every picture (security.mediaCheckAsync v2; docs/protocol.md "Images").
 *
 * When: in `sendmessage`, once the display copy exists (the attachment check waits for it) and
 * before the message is stored. WeChat fetches the picture from a presigned GET of the display
 * copy (EXIF-free, what members see) valid CHECK_URL_SECONDS. A submission that fails fails the
 * send (UNAVAILABLE, retried by the client's outbox), as a text's msgSecCheck does: no picture is
 * ever delivered unchecked. The trace id is recorded with the conversation, the key, the sender
 * and the send's client id before the message is stored, so a verdict can never arrive for a
 * trace the server does not know.
 *
 * Until the verdict: the message is delivered at once, like any other (WeChat answers within
 * 30 minutes, usually seconds; holding every picture that long would break the chat). A `risky`
 * verdict then removes it everywhere: the three objects are deleted (the URLs members hold stop
 * working), the message becomes a tombstone as an admin removal makes it (`recalled: "admin"`,
 * a `recalled` notice to every open connection of the conversation, the preview emptied), the
 * takedown is recorded in the moderation table and open reports of it close. `pass` and
 * `review` are recorded on the check and change nothing (`review` is WeChat's "unsure"; the desk
 * can still remove it).
 */
import { requireConversationId } from './access';
import type { ChatContext } from './chat-context';
import { describe } from './fan-out';
import { displayKey, imageObjectKeys, parseUploadKey } from './image-keys';
import type {
  ImageCheckRecord,
  ImageCheckStore,
  ImageObjectStore,
  MediaChecker,
  MediaSuggest,
} from './image-ports';
import { takeDown } from './recall';

/** How long the presigned GET WeChat downloads the picture from stays valid, in seconds. */
export const CHECK_URL_SECONDS = 30 * 60;

/**
 * How long after the submission a `risky` verdict may find no stored message yet and still wait
 * for it (the send submits, then stores: a fast verdict can meet a send still in flight). Within
 * this the push is answered 503 so WeChat pushes it again; after it, the send never stored one.
 */
export const SEND_IN_FLIGHT_MS = 60_000;

/** The user id WeChat's check acts as in the moderation records. */
export const MEDIA_CHECK_ACTOR = 'wechat:mediaCheckAsync';

/** What the image check needs besides the chat context. */
export interface ImageCheckServices {
  readonly checker: MediaChecker;
  readonly checks: ImageCheckStore;
}

/** Submits the display copy of `key` and records the trace. Rejects with UnavailableError. */
export async function submitImageCheck(
  ctx: Pick<ChatContext, 'now'>,
  store: ImageObjectStore,
  services: ImageCheckServices,
  input: { conversationId: string; key: string; senderId: string; clientId: string },
): Promise<string> {
  const parsed = parseUploadKey(input.key);
  if (!parsed) throw new Error(`not an upload key: ${input.key}`);
  const mediaUrl = await store.presignDownload(displayKey(parsed), CHECK_URL_SECONDS);
  const traceId = await services.checker.submit({ mediaUrl, openid: input.senderId });
  await services.checks.recordSubmitted({ traceId, ...input, submittedAt: ctx.now() });
  return traceId;
}

/** A `wxa_media_check` push, as functions/domain/wechat-push-events.ts parsed it. */
export interface MediaCheckVerdict {
  readonly traceId: string;
  /** Undefined when WeChat's push reports an errcode instead of a result. */
  readonly suggest: MediaSuggest | undefined;
  readonly label: number | undefined;
  readonly errcode: number;
}

/**
 * What applying a verdict came to: `applied`; `repeat` (applied before: a repeated push);
 * `unknown` (a trace this server never submitted); `pending` (risky, but the send has not stored
 * its message yet: answer so that WeChat pushes again).
 */
export type VerdictOutcome = 'applied' | 'repeat' | 'unknown' | 'pending';

/** Applies one verdict. Idempotent: every step may run again after a crash or a repeat push. */
export async function applyMediaVerdict(
  ctx: ChatContext,
  store: ImageObjectStore,
  checks: ImageCheckStore,
  verdict: MediaCheckVerdict,
): Promise<VerdictOutcome> {
  const record = await checks.get(verdict.traceId);
  if (!record) {
    ctx.log.warn('image check verdict for an unknown trace ignored', {
      traceId: verdict.traceId,
    });
    return 'unknown';
  }
  if (record.decidedAt !== undefined) return 'repeat';
  const at = ctx.now();
  if (verdict.suggest === undefined) {
    // 43104 (no permission) and the like: the picture stays unchecked, an operator must act.
    ctx.log.error('image check failed at WeChat', {
      traceId: verdict.traceId,
      errcode: verdict.errcode,
      conversationId: record.conversationId,
    });
    await checks.markDecided(verdict.traceId, 'failed', undefined, at);
    return 'applied';
  }
  if (verdict.suggest !== 'risky') {
    await checks.markDecided(verdict.traceId, verdict.suggest, verdict.label, at);
    ctx.log.info('image checked', { traceId: verdict.traceId, suggest: verdict.suggest });
    return 'applied';
  }
  return removeRiskyImage(ctx, store, checks, record, verdict, at);
}

async function removeRiskyImage(
  ctx: ChatContext,
  store: ImageObjectStore,
  checks: ImageCheckStore,
  record: ImageCheckRecord,
  verdict: MediaCheckVerdict,
  at: number,
): Promise<VerdictOutcome> {
  const target = requireConversationId(record.conversationId);
  const { previous } = await ctx.messages.loadSendContext(
    record.conversationId,
    record.senderId,
    record.clientId,
  );
  const message = previous
    ? await ctx.messages.get(previous.conversationId, previous.seq)
    : undefined;
  if (!message) {
    // No URL of a message was handed out, but the upload may still be stored: delete it now.
    await Promise.all(imageObjectKeys(record.key).map((key) => store.remove(key)));
    if (at - record.submittedAt < SEND_IN_FLIGHT_MS) return 'pending';
    // The send failed after submitting: no message, and the objects are gone.
    await checks.markDecided(verdict.traceId, 'risky', verdict.label, at);
    return 'applied';
  }
  // takeDown deletes the objects first: from that moment every URL a member holds fails.
  await takeDown(
    ctx,
    store,
    { userId: MEDIA_CHECK_ACTOR },
    undefined,
    target,
    message,
    'admin',
    riskyReason(verdict),
  );
  await ctx.moderation
    .closeReportsOf(target.id, message.seq, 'removed', MEDIA_CHECK_ACTOR, at)
    .catch((error: unknown) => {
      ctx.log.warn('could not close the reports of a risky image', {
        conversationId: target.id,
        seq: message.seq,
        error: describe(error),
      });
    });
  await checks.markDecided(verdict.traceId, 'risky', verdict.label, at);
  ctx.log.info('risky image removed', {
    traceId: verdict.traceId,
    conversationId: target.id,
    seq: message.seq,
    label: verdict.label,
  });
  return 'applied';
}

function riskyReason(verdict: MediaCheckVerdict): string {
  return `WeChat image check: risky${verdict.label !== undefined ? ` (label ${verdict.label})` : ''}`;
}
