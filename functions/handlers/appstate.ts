/** appstate: marks the caller's connection as in the background or the foreground. */
import { AppStateFrame } from '../../protocol/client-frames';
import { setAppState } from '../domain/app-state';
import { createRuntime } from '../runtime';
import { frameHandler } from './frame-handler';

const runtime = createRuntime(process.env);

export const handler = frameHandler(runtime, AppStateFrame, setAppState);
