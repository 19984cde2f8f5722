/**
 * The notify function's dependencies, built once from its environment (the CDK stack sets it on
 * the function; the local stack and tests set the same variables): the ledger and credits, who is
 * online, subscribeMessage.send over the shared WeChat API caller, and the desk's automatic reply
 * (its words come from the clients' catalog, client/auto-reply-text.ts, in Chinese).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createDynamoCreditStore,
  createDynamoLedger,
  createDynamoPresence,
} from './adapters/dynamo-notifications';
import {
  createSubscribeMessageSender,
  type WeChatPoster,
} from './adapters/wechat-subscribe-message';
import { autoReplyText } from '../client/auto-reply-text';
import { translator } from '../client/i18n/translator';
import type { AutoReply } from '../protocol/desk-hours';
import type { RuntimeConfig } from './config';
import type { ChatContext } from './domain/chat-context';
import type { NotifyDeps } from './domain/notify';
import type { Log } from './domain/ports';
import type { StaffDirectory } from './domain/staff-directory';

/** Claims keep a concurrent duplicate away this long: past the function's 30 s timeout. */
export const CLAIM_LEASE_MS = 5 * 60 * 1000;
export { MAX_CREDITS } from './domain/subscriptions';

/** The notify domain's dependencies over DynamoDB and WeChat. */
export function createNotifyDeps(options: {
  readonly config: RuntimeConfig;
  readonly db: DynamoDBDocumentClient;
  readonly wechat: WeChatPoster;
  readonly log: Log;
  readonly now?: () => number;
  /**
   * The chat's stores and @connections sender, for the desk's automatic reply; without it (or
   * with DESK_HOURS=off) there is none.
   */
  readonly chat?: ChatContext;
  /** The staff list (the runtime's): who is available, whom "a student is waiting" goes to. */
  readonly staff?: StaffDirectory;
}): NotifyDeps {
  const { config, db, chat, staff } = options;
  const now = options.now ?? Date.now;
  const hours = config.notify.deskHours;
  const zh = translator('zh');
  return {
    ...(chat && hours
      ? {
          autoReply: {
            chat,
            hours,
            timeZone: config.notify.timeZone,
            deskTitle: config.chat.deskTitle,
            render: (auto: AutoReply) => autoReplyText(zh, auto),
          },
        }
      : {}),
    ...(staff
      ? {
          availableStaff: async () =>
            [...(await staff.snapshot()).values()]
              .filter((r) => r.status === 'active')
              .map((r) => r.userId),
        }
      : {}),
    ledger: createDynamoLedger(db, config.tables.notifications),
    credits: createDynamoCreditStore(db, config.tables.notifyCredits, now),
    presence: createDynamoPresence(db, config.tables),
    sender: createSubscribeMessageSender({
      api: options.wechat,
      miniprogramState: config.notify.miniprogramState,
      lang: 'zh_CN',
    }),
    config: {
      templates: config.notify.templates,
      timeZone: config.notify.timeZone,
      deskTitle: config.chat.deskTitle,
      admins: [...config.admins],
      claimLeaseMs: CLAIM_LEASE_MS,
    },
    log: options.log,
    now,
  };
}
