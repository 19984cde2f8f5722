/** benchmarks.md: the fan-out's floor (bench/phases/post-cost-phase.ts). */
import { fanOutFloor } from './fan-out-goals';
import { ms, num, table } from './format';
import type { BenchReport } from './report-types';

/** The subsection's lines: what a 50-member send's posts cost the client, SDK and bare HTTP. */
export function postCostSection(report: Pick<BenchReport, 'postCost'>): string[] {
  const p = report.postCost;
  const floor = fanOutFloor(p, 0);
  const row = (label: string, r: typeof p.sdk) => [
    label,
    String(r.posts),
    `${Math.round(r.cpuMicrosPerPost)} µs`,
    `${ms((p.recipients * r.cpuMicrosPerPost) / 1000)} ms`,
    `${ms(r.fanOutMs)} ms`,
  ];
  return [
    "### The fan-out's floor: what a post costs the client",
    '',
    `A 50-member send posts to ${p.recipients} connections from the function's one thread. The same ${p.recipients} posts, one fan-out at a time with ${p.concurrency} in flight, to a bare HTTP server in another process, after the stacks have stopped (bench/phases/post-cost-phase.ts): the client's CPU per post through the @connections client the handlers use (the AWS SDK v3, every tuning step of \`functions/adapters/connection-sender.ts\` on), and for reference only as bare \`node:http\` requests of the same shape, unsigned and unparsed (no handler posts this way: the issue rules out a hand-rolled SigV4 client).`,
    '',
    table(
      ['client', 'posts', 'CPU / post', `${p.recipients} posts' CPU`, 'fan-out wall time'],
      [row("the handlers' SDK client", p.sdk), row('bare node:http (reference)', p.http)],
    ),
    '',
    `The SDK spends ${num(p.sdk.cpuMicrosPerPost / p.http.cpuMicrosPerPost, 1)}× what bare HTTP does per post (CPU of the whole process, so a little more than the one thread's). A fan-out of ${p.recipients} through it took ${ms(floor.sdkMs)} ms here with nothing else running and a server that answers at once: inside the stack, where the emulator does a gateway's work per post and everything shares the cores, the same posts cannot take less, and no change inside the handlers removes that time. The function-time goal above adds it to the send's DynamoDB wait.`,
  ];
}
