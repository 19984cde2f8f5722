/**
 * `npm run bench -- --overload [--quick|--smoke]`: only the throughput phase (rate search, then
 * the overload curve) and the seq-contention scenarios, on our stack, printed as the markdown
 * benchmarks.md would carry. For working on overload and seq allocation without the full run;
 * raw results go to bench/.out/overload-<mode>/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchSizes } from './options';
import { seqConflictPhase } from './phases/seq-conflict-phase';
import { throughputPhase } from './phases/throughput-phase';
import { overloadSection, seqConflictSection } from './report/overload-markdown';
import { StackHandle } from './stack/stack-handle';

const ADMIN = 'bench-admin';

/** Runs both phases against `dynamodbEndpoint`; resolves with the markdown. */
export async function overloadBench(
  dynamodbEndpoint: string,
  sizes: BenchSizes,
  scratchDir: string,
  log: (line: string) => void,
): Promise<string> {
  mkdirSync(scratchDir, { recursive: true });
  const prefix = `bench${Date.now().toString(36)}-`;
  // The same raised per-user limits as the full run (bench-runner.ts).
  const ours = await StackHandle.start({
    dynamodbEndpoint,
    tablePrefix: prefix,
    admins: ADMIN,
    system: 'ours',
    env: {
      SEND_RATE_LIMIT: '1000000',
      MESSAGE_BURST: '1000000',
      MESSAGE_PER_SECOND: '1000000',
      FRAME_BURST: '1000000',
      FRAME_PER_SECOND: '1000000',
      TYPING_BURST: '1000000',
    },
  });
  try {
    const throughput = await throughputPhase(ours, ADMIN, sizes, scratchDir, log);
    for (const s of throughput.steps) {
      log(
        `search step ${s.rate} msg/s: accepted ${s.acceptedPerSecond.toFixed(1)}, p99 ${s.latency.p99} ms, ${s.failures} failed`,
      );
    }
    const seqConflicts = await seqConflictPhase(
      ours,
      ADMIN,
      sizes,
      sizes.overload.retryBudgetMs,
      log,
    );
    writeFileSync(
      join(scratchDir, 'overload.json'),
      `${JSON.stringify({ throughput, seqConflicts }, null, 2)}\n`,
    );
    return [
      `Sustained (rate search): ${throughput.sustainedRate} msg/s`,
      '',
      ...overloadSection(throughput),
      '',
      ...seqConflictSection(seqConflicts),
    ].join('\n');
  } finally {
    await ours.stop();
  }
}
