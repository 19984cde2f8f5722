/**
 * `npm start`: the local stack on PORT (default 3000), data kept under DATA_DIR (default .data/),
 * with the browser console built and served at `/`, until Ctrl-C, which stops everything it
 * started, DynamoDB Local included.
 */
import { kb, PAGE_BUDGET_GZIP_BYTES } from '../console/scripts/build';
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

// Handler logs are JSON lines; INFO would print one per connection and frame.
process.env.LOG_LEVEL ??= 'WARN';

try {
  const stack = await startLocalStack({
    port: wholeNumber('PORT', 3000, true),
    host: process.env.HOST ?? '127.0.0.1',
    dataDir: process.env.DATA_DIR ?? '.data',
    ...(process.env.DYNAMODB_ENDPOINT ? { dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT } : {}),
    idleTimeoutMs: wholeNumber('IDLE_TIMEOUT_MS', 10 * 60 * 1000),
    maxConnectionMs: wholeNumber('MAX_CONNECTION_MS', 2 * 60 * 60 * 1000),
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
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  console.error(`campus-chat could not start: ${(error as Error).message}`);
  process.exit(1);
}
