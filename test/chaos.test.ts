/**
 * The fault suite. In `npm test`: one short run with a fixed seed (a few dozen clients, every kind
 * of fault at least once). `npm run test:chaos`: the full profile (hundreds of clients, storms of
 * hundreds, several runs with fresh seeds). `CHAOS_SEED=<n>` replays a run's fault plan. Each run
 * ends with the invariant checked from the database and from every client's view; the report of
 * each run is written to test-results/chaos/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { BenchChild } from '../bench/ipc';
import { chaosSeed, PROFILES } from './chaos/fault-plan';
import type { ChaosRunReport } from './chaos/run-chaos';

/** The seed of the short run in `npm test`: fixed, so it is the same run every time. */
const SHORT_RUN_SEED = 20260603;

const chosen = PROFILES[process.env.CHAOS_PROFILE === 'full' ? 'full' : 'short'];
/** CHAOS_RUNS overrides how many runs (e.g. 1 to replay one seed of the full profile). */
const profile = process.env.CHAOS_RUNS
  ? { ...chosen, runs: Math.max(1, Number(process.env.CHAOS_RUNS) || 1) }
  : chosen;
const firstSeed =
  profile.name === 'short' && !process.env.CHAOS_SEED ? SHORT_RUN_SEED : chaosSeed();
const reports: ChaosRunReport[] = [];
const out = new URL('../test-results/chaos/', import.meta.url);

afterAll(() => {
  mkdirSync(out, { recursive: true });
  writeFileSync(
    new URL(`${profile.name}-${firstSeed}.json`, out),
    `${JSON.stringify(reports, null, 2)}\n`,
  );
});

describe(`chaos (${profile.name} profile)`, () => {
  for (let run = 0; run < profile.runs; run++) {
    const seed = firstSeed + run;
    it(
      `run ${run + 1}, seed ${seed}: nothing lost, nothing duplicated, seq order, no stale connections`,
      async () => {
        // Prepare
        const child = await BenchChild.start(new URL('./chaos/chaos-process.ts', import.meta.url));
        let report: ChaosRunReport;
        try {
          // Act
          report = await child.call<ChaosRunReport>('run', {
            profile,
            seed,
            dynamodbEndpoint: inject('dynamodbEndpoint'),
          });
        } finally {
          await child.stop();
        }
        reports.push(report);

        // Assess: the faults happened, and the invariant holds.
        const { injected, invariant } = report;
        expect(injected.midFrameCuts).toBeGreaterThan(0);
        expect(injected.storms).toBeGreaterThan(0);
        expect(injected.kills).toBeGreaterThan(0);
        expect(Object.values(injected.dynamodb).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        expect(Object.values(injected.posts).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
        expect(invariant.messages).toBeGreaterThan(profile.students);
        expect(invariant.typed).toBe(invariant.messages);
        expect(invariant.violations).toEqual([]);
        // Leftovers only from sockets a kill cut or whose $disconnect ran out of time (overload);
        // the short run is never that overloaded: every $disconnect finishes there.
        if (profile.name === 'short') expect(invariant.leftAfterFailedDisconnect).toBe(0);
      },
      60_000 + (profile.faultPhaseMs + profile.healDeadlineMs) * 3,
    );
  }
});
