/**
 * `npm run test:start`: the README's start command, exactly as a newcomer runs it. It spawns
 * `npm start` in this checkout with no variables but a free PORT (so DATA_DIR is the default,
 * relative `.data`), waits for `ready:`, and then uses the product: two people log in through
 * POST /login, chat both ways over real WebSockets, the console page answers at `/`; a second
 * `npm start` on the same port is refused with a clear message and leaves nothing running; Ctrl-C
 * (SIGINT to the process group, as a terminal sends it) stops everything, DynamoDB Local included;
 * and a second start still has the history in `.data/`. `.ci/run` runs it after `npm test`.
 *
 * It prints one line per check and `N passed, N failed` at the end; it exits 1 on any failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { WebSocket } from 'ws';

// This script's own SDK client needs no Node.js 22 notice either (see local/start.ts).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROOT = resolve(import.meta.dirname, '..');
const DATA_DYNAMODB = resolve(ROOT, '.data', 'dynamodb');
const START_TIMEOUT_MS = 180_000;
const STEP_TIMEOUT_MS = 20_000;

let passed = 0;
let failed = 0;
function check(name: string, ok: boolean, detail = ''): void {
  if (ok) passed += 1;
  else failed += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${ok || !detail ? '' : `\n     ${detail}`}`);
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

interface Started {
  readonly child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs `npm start` in its own process group, as a terminal would run a foreground job. */
function npmStart(port: number): Started {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  for (const name of ['DATA_DIR', 'DYNAMODB_ENDPOINT', 'JWT_SECRET', 'HOST'] as const)
    delete env[name];
  const child = spawn('npm', ['start'], { cwd: ROOT, env, detached: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code, signal) => done(code ?? (signal ? -2 : null))),
  );
  return { child, output: () => output, exited };
}

async function until<T>(what: string, probe: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

/** Pids of running DynamoDB Local processes that keep their files in this checkout's `.data/`. */
function dynamoDbLocalPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmdline.some((arg) => arg.includes('DynamoDBLocal')) && cmdline.includes(DATA_DYNAMODB))
        pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** Signals a process group, if it is still there. */
function signalGroup(pgid: number | undefined, signal: NodeJS.Signals): void {
  try {
    if (pgid) process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/** Resolves once `npm start` printed `ready:`; rejects as soon as it exits without. */
function ready(started: Started): Promise<true> {
  return until(
    'ready:',
    () => {
      if (started.output().includes('ready:')) return true;
      if (started.child.exitCode !== null || started.child.signalCode !== null)
        throw new Error('npm start exited before it was ready');
      return undefined;
    },
    START_TIMEOUT_MS,
  );
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

async function login(base: string, code: string, name: string): Promise<string> {
  const response = await fetch(`${base}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code, name }),
  });
  const body = (await response.json()) as { token?: string };
  if (response.status !== 200 || !body.token) throw new Error(`login ${code}: ${response.status}`);
  return body.token;
}

interface Peer {
  send(frame: object): void;
  next(match: (frame: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  close(): void;
}

async function connect(port: number, token: string): Promise<Peer> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/local?token=${encodeURIComponent(token)}`);
  const frames: Record<string, unknown>[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Record<string, unknown>));
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done());
    ws.once('error', fail);
  });
  return {
    send: (frame) => ws.send(JSON.stringify(frame)),
    next: (match) =>
      until(
        'a frame',
        () => {
          const index = frames.findIndex(match);
          return index < 0 ? undefined : frames.splice(index, 1)[0];
        },
        STEP_TIMEOUT_MS,
      ),
    close: () => ws.close(),
  };
}

async function stopWithCtrlC(started: Started): Promise<number | null> {
  signalGroup(started.child.pid, 'SIGINT');
  const timeout = new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 60_000));
  const code = await Promise.race([started.exited, timeout]);
  if (code === 'timeout') {
    signalGroup(started.child.pid, 'SIGKILL');
    return -1;
  }
  // npm has exited; give its children (already signalled) a moment to be reaped.
  await until(
    'the process group to end',
    () => (groupAlive(started.child.pid!) ? undefined : true),
    10_000,
  ).catch(() => undefined);
  return code;
}

const run = `${Date.now().toString(36)}`;
const student = `smoke${run}`;
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const before = dynamoDbLocalPids();

// 1. The first start.
const first = npmStart(port);
try {
  await ready(first);
  check('npm start reaches ready:', true);
} catch (error) {
  check('npm start reaches ready:', false, `${(error as Error).message}\n${first.output()}`);
  signalGroup(first.child.pid, 'SIGKILL');
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(1);
}
check(
  'no warning a newcomer must interpret',
  !/Warning|Error/.test(first.output()),
  first.output(),
);
const ours = dynamoDbLocalPids().filter((pid) => !before.includes(pid));
check('DynamoDB Local runs with the data in .data/dynamodb', ours.length === 1, String(ours));

try {
  const [studentToken, adminToken] = await Promise.all([
    login(base, `dev-${student}`, 'Smoke Student'),
    login(base, 'dev-admin', 'Desk'),
  ]);
  const alice = await connect(port, studentToken);
  const desk = await connect(port, adminToken);
  const conversationId = `support:${student}`;
  alice.send({ action: 'sendmessage', id: `q${run}`, conversationId, text: '三楼还开着吗?' });
  await alice.next((f) => f.type === 'ack' && f.id === `q${run}`);
  const question = await desk.next((f) => f.type === 'message');
  check(
    'a student message reaches the desk',
    (question.message as { text?: string }).text === '三楼还开着吗?',
    JSON.stringify(question),
  );
  desk.send({ action: 'sendmessage', id: `a${run}`, conversationId, text: 'Until 22:00' });
  const answer = await alice.next((f) => f.type === 'message');
  check(
    "the desk's reply reaches the student",
    (answer.message as { text?: string }).text === 'Until 22:00',
    JSON.stringify(answer),
  );
  // alice stays connected through Ctrl-C: stopping must run her $disconnect before DynamoDB Local
  // goes, leaving no connection record behind (checked after the restart).
  desk.close();
} catch (error) {
  check('two people chat both ways', false, (error as Error).message);
}

const page = await fetch(`${base}/`).catch(() => undefined);
const html = page ? await page.text() : '';
check(
  'the console answers at /',
  page?.status === 200 && /<html/i.test(html) && /<script/i.test(html),
  `${page?.status}`,
);

// 2. A second start on the same port: refused, clearly, and nothing left running.
const second = npmStart(port);
const secondCode = await Promise.race([
  second.exited,
  new Promise<'timeout'>((done) => setTimeout(() => done('timeout'), 120_000)),
]);
check(
  'a second npm start on a taken port says so and exits',
  secondCode !== 0 &&
    secondCode !== 'timeout' &&
    second.output().includes(`port ${port} is in use; set PORT`),
  second.output(),
);
if (secondCode === 'timeout') signalGroup(second.child.pid, 'SIGKILL');
await new Promise((done) => setTimeout(done, 500));
check(
  'the refused start leaves no process behind',
  !groupAlive(second.child.pid!) &&
    dynamoDbLocalPids().filter((p) => !before.includes(p)).length === 1,
  String(dynamoDbLocalPids()),
);

// 3. Ctrl-C.
const firstCode = await stopWithCtrlC(first);
// npm ends itself with the signal it relayed (exit by SIGINT, as shells expect); the stack itself
// prints `stopped` once it has closed everything in order and exits 0.
const cleanStop = (code: number | null, output: string) =>
  (code === 0 || code === -2) && output.trimEnd().endsWith('stopped');
check(
  'Ctrl-C stops npm start in order',
  cleanStop(firstCode, first.output()),
  `${firstCode}\n${first.output()}`,
);
check(
  'nothing is left running, DynamoDB Local included',
  !groupAlive(first.child.pid!) &&
    dynamoDbLocalPids().filter((p) => !before.includes(p)).length === 0,
  String(dynamoDbLocalPids()),
);
check(
  'stopping prints no error',
  !/ECONNREFUSED|failed|Error/.test(first.output().split('SIGINT')[1] ?? ''),
  first.output(),
);

// 4. A second start keeps the history.
const third = npmStart(port);
try {
  await ready(third);
  const dynamodbEndpoint = /DynamoDB\s+(http:\S+)/.exec(third.output())?.[1] ?? '';
  const dynamodb = new DynamoDBClient({
    endpoint: dynamodbEndpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const left = await dynamodb.send(
    new ScanCommand({ TableName: 'campus-chat-connections', Select: 'COUNT' }),
  );
  dynamodb.destroy();
  check(
    'Ctrl-C with a client connected leaves no connection record',
    left.Count === 0,
    String(left.Count),
  );
  const desk = await connect(port, await login(base, 'dev-admin', 'Desk'));
  desk.send({ action: 'sync', id: 'h1', conversationId: `support:${student}`, after: 0 });
  const history = await desk.next((f) => f.type === 'history' && f.id === 'h1');
  const texts = (history.messages as { text: string }[]).map((m) => m.text);
  check(
    'after a restart, .data/ still holds the conversation',
    texts.join('|') === '三楼还开着吗?|Until 22:00',
    JSON.stringify(texts),
  );
  desk.close();
} catch (error) {
  check(
    'after a restart, .data/ still holds the conversation',
    false,
    `${(error as Error).message}\n${third.output()}`,
  );
}
const thirdCode = await stopWithCtrlC(third);
check(
  'the second run stops cleanly too',
  cleanStop(thirdCode, third.output()) && dynamoDbLocalPids().length === before.length,
  String(thirdCode),
);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
