/**
 * `npm start`: the local stack on PORT (default 3000), data kept under DATA_DIR (default .data/,
 * relative paths resolved against the current directory),
 * with the browser console built and served at `/`, until Ctrl-C, which stops everything it
 * started, DynamoDB Local included.
 */
import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { kb, PAGE_BUDGET_GZIP_BYTES } from '../console/scripts/build';
import { DEFAULT_DESK_HOURS } from '../functions/config';
import { startLocalStack } from './local-stack';

/** A whole number from the environment; 0 only where it means something (PORT=0: any port). */
function wholeNumber(name: string, fallback: number, zeroAllowed = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || (value === 0 && !zeroAllowed)) {
    console.error(`${name} must be a whole number${zeroAllowed ? '' : ' above 0'}, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

/**
 * DATA_DIR made absolute against the current directory (npm runs scripts in the project root),
 * created, and checked for writing, so a bad value fails here with its name and path instead of
 * inside DynamoDB Local, whose Java process runs in another directory.
 */
function dataDirectory(): string {
  const dir = resolve(process.env.DATA_DIR || '.data');
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    console.error(
      `campus-chat could not start: DATA_DIR=${dir} cannot be created or written (${code})`,
    );
    process.exit(2);
  }
  return dir;
}

// Handler logs are JSON lines; INFO would print one per connection and frame.
process.env.LOG_LEVEL ??= 'WARN';
// The desk's automatic reply with the default hours (the local stack leaves it off for tests).
process.env.DESK_HOURS ||= DEFAULT_DESK_HOURS;
// The AWS SDK warns on every start that its releases after January 2027 will need Node.js 22.
// The versions package-lock.json pins run on Node.js 20.19 (the README's minimum), so the warning
// says nothing to act on here; AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=false shows it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

try {
  const stack = await startLocalStack({
    port: wholeNumber('PORT', 3000, true),
    host: process.env.HOST ?? '127.0.0.1',
    dataDir: dataDirectory(),
    ...(process.env.DYNAMODB_ENDPOINT ? { dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT } : {}),
    idleTimeoutMs: wholeNumber('IDLE_TIMEOUT_MS', 10 * 60 * 1000),
    maxConnectionMs: wholeNumber('MAX_CONNECTION_MS', 2 * 60 * 60 * 1000),
    connectionsLatencyMs: wholeNumber('CONNECTIONS_LATENCY_MS', 0, true),
  });
  // Build the console now, so a broken build fails here and not on the first page load.
  const site = await stack.console?.ready().catch(async (error: unknown) => {
    await stack.stop();
    throw error;
  });
  console.log(
    [
      '',
      site
        ? `  Browser console ${stack.urls.console}   (page ${kb(site.pageGzipBytes)} gzipped, budget ${kb(PAGE_BUDGET_GZIP_BYTES)})`
        : '',
      `  WebSocket API   ${stack.urls.websocket}?token=<token from /login>`,
      `  Login           POST ${stack.urls.login}   {"code":"dev-<name>","name":"<display name>"}`,
      `  @connections    ${stack.urls.connections}/{connectionId}`,
      `  DynamoDB        ${stack.dynamodbEndpoint}`,
      `  Admins          ${process.env.ADMINS}`,
      '',
      `ready: campus-chat is running on ${stack.urls.http} (Ctrl-C stops it)`,
      `       open ${stack.urls.console} in two tabs: a student in one, \`admin\` (the desk) in the other`,
    ].join('\n'),
  );
  // The first Ctrl-C stops in dependency order (the gateway and its $disconnects, then DynamoDB
  // Local); a second one, for a user who will not wait, ends everything at once.
  // One Ctrl-C can arrive more than once — from the terminal to the whole foreground process group
  // and again relayed by npm — so a repeat within two seconds is the same keypress.
  let stopping = 0;
  const stop = async (signal: string) => {
    if (stopping && Date.now() - stopping < 2000) return;
    if (stopping) {
      console.log(`${signal} again: forcing exit`);
      stack.forceStop();
      process.exit(130);
    }
    stopping = Date.now();
    console.log(`\n${signal}: stopping… (again to force)`);
    await stack.stop();
    console.log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  console.error(`campus-chat could not start: ${(error as Error).message}`);
  process.exit(1);
}
