/** websessions: the caller's console sessions opened by scanning. */
import { WebSessionsFrame } from '../../protocol/web-login';
import { createDynamoWebLoginStore } from '../adapters/dynamo-web-logins';
import { listWebSessions } from '../domain/web-login';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const deps = { store: createDynamoWebLoginStore(runtime.db, runtime.config.tables) };

export const handler = frameHandler(runtime, WebSessionsFrame, (ctx, caller, frame) =>
  listWebSessions(ctx, deps, caller, frame),
);
