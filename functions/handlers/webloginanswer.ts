/** webloginanswer: a staff member approves or refuses a scanned console login, once, before expiry. */
import { WebLoginAnswerFrame } from '../../protocol/web-login';
import { createDynamoWebLoginStore } from '../adapters/dynamo-web-logins';
import { answerTicket } from '../domain/web-login';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const deps = { store: createDynamoWebLoginStore(runtime.db, runtime.config.tables) };

export const handler = frameHandler(runtime, WebLoginAnswerFrame, (ctx, caller, frame) =>
  answerTicket(ctx, deps, caller, frame),
);
