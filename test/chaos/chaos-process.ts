/**
 * A chaos run in a process of its own (the handlers read their tables and endpoints once per
 * process). The test forks it through bench/ipc.ts and calls `run`.
 */
import { serve } from '../../bench/ipc';
import { type ChaosRunOptions, runChaos } from './run-chaos';

serve({
  run: (options: ChaosRunOptions) =>
    runChaos(options, (line) => console.log(`[chaos ${options.seed}] ${line}`)),
});
