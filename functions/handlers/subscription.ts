/** subscription: records a subscribe-message choice or the notification switch. */
import { SubscriptionFrame } from '../../protocol/client-frames';
import { createDocumentClient } from '../adapters/dynamo-client';
import { createDynamoCreditStore } from '../adapters/dynamo-notifications';
import { recordSubscription, type SubscriptionDeps } from '../domain/subscriptions';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const { config } = runtime;
const deps: SubscriptionDeps = {
  credits: createDynamoCreditStore(
    createDocumentClient({ endpoint: config.dynamodbEndpoint, region: config.region }),
    config.tables.notifyCredits,
  ),
  templateIds: {
    deskReplied: config.notify.templates.deskReplied.id,
    studentWaiting: config.notify.templates.studentWaiting.id,
  },
};

export const handler = frameHandler(runtime, SubscriptionFrame, (ctx, caller, frame) =>
  recordSubscription(ctx, deps, caller, frame),
);
