/** webloginview: the mini-program shows who asks to log in with a scanned ticket (marks it scanned). */
import { WebLoginViewFrame } from '../../protocol/web-login';
import { createDynamoWebLoginStore } from '../adapters/dynamo-web-logins';
import { viewTicket } from '../domain/web-login';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const deps = { store: createDynamoWebLoginStore(runtime.db, runtime.config.tables) };

export const handler = frameHandler(runtime, WebLoginViewFrame, (ctx, caller, frame) =>
  viewTicket(ctx, deps, caller, frame),
);
