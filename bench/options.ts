/** Command-line options of `npm run bench` and the sizes of each mode. */

export type BenchMode = 'full' | 'quick' | 'smoke';

export interface BenchSizes {
  readonly mode: BenchMode;
  /** Latency by room size (members; each send reaches size - 1), no other connections. */
  readonly roomSizes: readonly number[];
  /** Unmeasured sends per system before anything is measured (JIT of Node and the JVM). */
  readonly globalWarmup: number;
  /** Measured sends per system and scenario, and warm-up sends before them. */
  readonly samples: number;
  readonly warmup: number;
  /** The systems take turns this many times per scenario (pairs measured side by side). */
  readonly rounds: number;
  /** Room size while total connections grow, the totals, and sends per system at each. */
  readonly scalingRoomSize: number;
  readonly scalingSamples: number;
  readonly totalConnections: readonly number[];
  readonly throughput: {
    readonly rooms: number;
    readonly members: number;
    readonly startRate: number;
    readonly factor: number;
    readonly maxSteps: number;
    readonly stepSeconds: number;
  };
  /**
   * The overload curve, after the throughput search on the same rooms: offered rates as
   * multiples of the sustained rate, seconds of arrivals per step, and each message's retry budget.
   */
  readonly overload: {
    readonly multiples: readonly number[];
    readonly stepSeconds: number;
    readonly retryBudgetMs: number;
  };
  /**
   * Seq contention: room size and simultaneous senders per scenario, rooms per scenario and
   * rounds (each round, `senders` members of every room send at once).
   */
  readonly seqConflicts: {
    readonly scenarios: readonly { readonly members: number; readonly senders: number }[];
    readonly rooms: number;
    readonly rounds: number;
  };
  /** Fresh-process module-initialisation runs per bundle (median reported). */
  readonly coldStartRuns: number;
  /**
   * The fan-out's floor (bench/phases/post-cost-phase.ts): 49-post fan-outs per client and round,
   * and the rounds the two clients take turns in.
   */
  readonly postCost: { readonly fanOuts: number; readonly rounds: number };
}

export const SIZES: Record<BenchMode, BenchSizes> = {
  full: {
    mode: 'full',
    roomSizes: [2, 50, 500],
    globalWarmup: 300,
    samples: 200,
    warmup: 10,
    rounds: 4,
    scalingRoomSize: 50,
    scalingSamples: 60,
    totalConnections: [1000, 5000],
    throughput: { rooms: 20, members: 4, startRate: 20, factor: 1.5, maxSteps: 9, stepSeconds: 8 },
    overload: { multiples: [1, 1.5, 2, 3], stepSeconds: 6, retryBudgetMs: 7000 },
    seqConflicts: {
      scenarios: [
        { members: 4, senders: 1 },
        { members: 4, senders: 4 },
        { members: 20, senders: 5 },
        { members: 20, senders: 20 },
      ],
      rooms: 2,
      rounds: 10,
    },
    coldStartRuns: 20,
    postCost: { fanOuts: 40, rounds: 4 },
  },
  quick: {
    mode: 'quick',
    roomSizes: [2, 50],
    globalWarmup: 20,
    samples: 20,
    warmup: 3,
    rounds: 2,
    scalingRoomSize: 50,
    scalingSamples: 20,
    totalConnections: [150, 400],
    throughput: { rooms: 8, members: 4, startRate: 20, factor: 2, maxSteps: 3, stepSeconds: 2 },
    overload: { multiples: [1, 1.5, 2, 3], stepSeconds: 2, retryBudgetMs: 7000 },
    seqConflicts: {
      scenarios: [
        { members: 4, senders: 1 },
        { members: 4, senders: 4 },
        { members: 20, senders: 20 },
      ],
      rooms: 1,
      rounds: 5,
    },
    coldStartRuns: 1,
    postCost: { fanOuts: 20, rounds: 2 },
  },
  smoke: {
    mode: 'smoke',
    roomSizes: [2, 5],
    globalWarmup: 2,
    samples: 4,
    warmup: 1,
    rounds: 2,
    scalingRoomSize: 5,
    scalingSamples: 4,
    totalConnections: [15, 30],
    throughput: { rooms: 2, members: 3, startRate: 10, factor: 2, maxSteps: 2, stepSeconds: 1 },
    overload: { multiples: [1, 2], stepSeconds: 1, retryBudgetMs: 7000 },
    seqConflicts: { scenarios: [{ members: 3, senders: 3 }], rooms: 1, rounds: 2 },
    coldStartRuns: 1,
    postCost: { fanOuts: 2, rounds: 1 },
  },
};

export interface BenchOptions {
  readonly sizes: BenchSizes;
  /** Where benchmarks.md and its charts go. */
  readonly outDir: string;
  /** An already running DynamoDB (Local) to use instead of starting one. */
  readonly dynamodbEndpoint?: string;
  /** The command line, as the report prints it. */
  readonly command: string;
}

/** Parses `--quick`, `--smoke`, `--out DIR`, `--dynamodb-endpoint URL`. */
export function parseArgs(
  argv: readonly string[],
  defaults: { docsDir: string; scratchDir: string },
): BenchOptions {
  let mode: BenchMode = 'full';
  let outDir: string | undefined;
  let dynamodbEndpoint: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') mode = 'quick';
    else if (arg === '--smoke') mode = 'smoke';
    else if (arg === '--out') outDir = argv[++i];
    else if (arg === '--dynamodb-endpoint') dynamodbEndpoint = argv[++i];
    else
      throw new Error(
        `unknown option ${arg}; use --quick, --smoke, --out DIR, --dynamodb-endpoint URL`,
      );
  }
  const command = ['npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  return {
    sizes: SIZES[mode],
    // Only the full run writes docs/; the shorter modes must not overwrite its figures.
    outDir: outDir ?? (mode === 'full' ? defaults.docsDir : `${defaults.scratchDir}/${mode}`),
    ...(dynamodbEndpoint ? { dynamodbEndpoint } : {}),
    command,
  };
}
