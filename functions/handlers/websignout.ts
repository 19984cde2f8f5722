/** websignout: signs one of the caller's console sessions out and closes its connections. */
import { WebSignOutFrame } from '../../protocol/web-login';
import { createDynamoWebLoginStore } from '../adapters/dynamo-web-logins';
import { signOutWebSession } from '../domain/web-login';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);
const deps = { store: createDynamoWebLoginStore(runtime.db, runtime.config.tables) };

export const handler = frameHandler(runtime, WebSignOutFrame, (ctx, caller, frame) =>
  signOutWebSession(ctx, deps, caller, frame),
);
