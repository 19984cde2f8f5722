/** search: a bounded scan of the messages the caller may read (functions/domain/search.ts). */
import { searchMessages } from '../domain/search';
import { SearchFrame } from '../../protocol/search';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, SearchFrame, (ctx, caller, frame) =>
  searchMessages(ctx, caller, frame),
);
