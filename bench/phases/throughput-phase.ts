/**
 * Throughput on our stack, with a CPU profile of the stack process while the rate search runs and
 * the CPU time every process used (stack, DynamoDB Local's JVM, the load generator); then, on the
 * same rooms, the overload curve at multiples of the sustained rate the search found.
 */
import { join } from 'node:path';
import { openOursRoom } from '../clients/ours-room';
import { childPids, cpuSeconds } from '../metrics/process-cpu';
import type { BenchSizes } from '../options';
import type { BenchReport, ProcessCpu } from '../report/report-types';
import type { StackHandle } from '../stack/stack-handle';
import { contentionPer100 } from '../metrics/dynamo-outcomes';
import { type OverloadStep, outboxesOf, runOverloadStep } from '../workloads/overload';
import { runThroughput } from '../workloads/throughput';

export const P99_LIMIT_MS = 250;

export async function throughputPhase(
  ours: StackHandle,
  admin: string,
  sizes: BenchSizes,
  scratchDir: string,
  log: (line: string) => void,
): Promise<BenchReport['throughput']> {
  const plan = sizes.throughput;
  log(`throughput: ${plan.rooms} rooms of ${plan.members}: connecting`);
  const rooms = [];
  for (let i = 0; i < plan.rooms; i++) {
    rooms.push(await openOursRoom(ours.info, { tag: `t${i}`, size: plan.members, admin }));
  }
  await ours.setRecording(false);
  const processes: { name: string; pid: number }[] = [
    { name: 'gateway + handlers (stack process)', pid: ours.pid },
    ...childPids(process.pid, 'java').map((pid) => ({ name: 'DynamoDB Local (JVM)', pid })),
    { name: 'load generator + clients (bench process)', pid: process.pid },
  ];
  const before = processes.map((p) => cpuSeconds(p.pid) ?? 0);
  const started = Date.now();
  await ours.startProfile();
  log('throughput: stepping the rate up');
  const steps = await runThroughput(rooms, { ...plan, p99LimitMs: P99_LIMIT_MS });
  const profile = await ours.stopProfile(join(scratchDir, 'stack-throughput.cpuprofile'));
  const wallSeconds = (Date.now() - started) / 1000;
  const after = processes.map((p) => cpuSeconds(p.pid) ?? 0);
  const best = steps
    .filter((s) => s.withinLimit)
    .reduce<(typeof steps)[number] | undefined>(
      (m, s) => (!m || s.rate > m.rate ? s : m),
      undefined,
    );
  const sustainedRate = best?.rate ?? 0;
  const overload = await overloadCurve(ours, rooms, sizes, sustainedRate || plan.startRate, log);
  await ours.setRecording(true);
  await Promise.all(rooms.map((r) => r.close()));
  const cores = (await import('node:os')).cpus().length;
  const processCpu: ProcessCpu[] = processes.map((p, i) => {
    const seconds = (after[i] ?? 0) - (before[i] ?? 0);
    return {
      process: p.name,
      cpuSeconds: seconds,
      shareOfMachine: seconds / (wallSeconds * cores),
    };
  });
  return {
    rooms: plan.rooms,
    members: plan.members,
    p99LimitMs: P99_LIMIT_MS,
    steps,
    sustainedRate,
    sustainedDeliveriesPerSecond: best?.deliveriesPerSecond ?? 0,
    profile,
    processCpu,
    overload: { baseRate: sustainedRate || plan.startRate, ...overload },
  };
}

/**
 * Offered rates of `multiples` × `baseRate`, each member sending through an outbox that honours
 * BUSY and RATE_LIMITED; what DynamoDB answered is counted per step at the stack's proxy.
 */
async function overloadCurve(
  ours: StackHandle,
  rooms: Parameters<typeof outboxesOf>[0],
  sizes: BenchSizes,
  baseRate: number,
  log: (line: string) => void,
): Promise<{ retryBudgetMs: number; steps: OverloadStep[] }> {
  const plan = sizes.overload;
  const outboxes = outboxesOf(rooms, plan.retryBudgetMs);
  const steps: OverloadStep[] = [];
  for (const multiple of plan.multiples) {
    const rate = Math.round(baseRate * multiple);
    // Let the previous step's fan-outs finish so their DynamoDB calls are not counted here.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await ours.settle();
    await ours.resetOutcomes();
    log(`overload: ${multiple}× the sustained rate, ${rate} msg/s for ${plan.stepSeconds} s`);
    const step = await runOverloadStep(outboxes, rate, plan.stepSeconds);
    await ours.settle();
    const dynamo = await ours.outcomes();
    steps.push({ multiple, ...step, dynamo, contention: contentionPer100(dynamo, step.sent) });
  }
  return { retryBudgetMs: plan.retryBudgetMs, steps };
}
