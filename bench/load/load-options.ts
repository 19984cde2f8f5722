/** Command-line options and sizes of `npm run bench:load`. */

export type LoadMode = 'full' | 'smoke';

export interface LoadSizes {
  readonly mode: LoadMode;
  /** Simulated users, each one ChatClient with its own connection (admins included). */
  readonly users: number;
  readonly admins: number;
  /** Busy rooms and the members of each. */
  readonly rooms: number;
  readonly roomMembers: number;
  /** Students chatting with the desk. */
  readonly chatters: number;
  /** Mean pause between two messages of a chatter, a room member, an admin (exponential). */
  readonly chatEveryMs: number;
  readonly roomEveryMs: number;
  readonly adminEveryMs: number;
  /**
   * The clients' idle heartbeat. The product pings after 5 idle minutes; a run of a few minutes
   * would see no heartbeat at all, so the load compresses it (20 s: 15 times more often) to put
   * the idle majority's pings into the measured window.
   */
  readonly heartbeatMs: number;
  /** Length of each measured phase (baseline, then with the flooder), seconds. */
  readonly phaseSeconds: number;
  /** Frames per second the flooding client tries to send. */
  readonly floodRate: number;
  /** Client processes the users are spread over. */
  readonly pools: number;
}

export const LOAD_SIZES: Record<LoadMode, LoadSizes> = {
  full: {
    mode: 'full',
    users: 1000,
    admins: 3,
    rooms: 3,
    roomMembers: 25,
    chatters: 50,
    chatEveryMs: 10_000,
    roomEveryMs: 15_000,
    adminEveryMs: 2_000,
    heartbeatMs: 20_000,
    phaseSeconds: 60,
    floodRate: 400,
    pools: 2,
  },
  smoke: {
    mode: 'smoke',
    users: 24,
    admins: 1,
    rooms: 1,
    roomMembers: 6,
    chatters: 4,
    chatEveryMs: 1_000,
    roomEveryMs: 1_000,
    adminEveryMs: 1_000,
    heartbeatMs: 2_000,
    phaseSeconds: 3,
    floodRate: 100,
    pools: 1,
  },
};

export interface LoadOptions {
  readonly sizes: LoadSizes;
  /** Where load.md and load.json go. */
  readonly outDir: string;
  readonly dynamodbEndpoint?: string;
  readonly command: string;
}

/** Parses `--smoke`, `--users N`, `--seconds S`, `--flood-rate R`, `--out DIR`, `--dynamodb-endpoint URL`. */
export function parseLoadArgs(
  argv: readonly string[],
  defaults: { docsDir: string; scratchDir: string },
): LoadOptions {
  let sizes: LoadSizes = LOAD_SIZES.full;
  let outDir: string | undefined;
  let dynamodbEndpoint: string | undefined;
  const overrides: { -readonly [K in keyof LoadSizes]?: LoadSizes[K] } = {};
  const number = (value: string | undefined, name: string) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} needs a positive number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--smoke') sizes = LOAD_SIZES.smoke;
    else if (arg === '--users') overrides.users = Math.round(number(argv[++i], arg));
    else if (arg === '--seconds') overrides.phaseSeconds = number(argv[++i], arg);
    else if (arg === '--flood-rate') overrides.floodRate = number(argv[++i], arg);
    else if (arg === '--out') outDir = argv[++i];
    else if (arg === '--dynamodb-endpoint') dynamodbEndpoint = argv[++i];
    else
      throw new Error(
        `unknown option ${arg}; use --smoke, --users N, --seconds S, --flood-rate R, --out DIR, --dynamodb-endpoint URL`,
      );
  }
  const merged: LoadSizes = { ...sizes, ...overrides };
  const minimum = merged.admins + merged.rooms * merged.roomMembers + merged.chatters;
  if (merged.users < minimum) throw new Error(`--users must be at least ${minimum}`);
  const command = ['npm run bench:load', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ');
  return {
    sizes: merged,
    // Only the full-size default run writes docs/; other runs must not overwrite its figures.
    outDir:
      outDir ??
      (merged.mode === 'full' && Object.keys(overrides).length === 0
        ? defaults.docsDir
        : `${defaults.scratchDir}/load-${merged.mode}`),
    ...(dynamodbEndpoint ? { dynamodbEndpoint } : {}),
    command,
  };
}
