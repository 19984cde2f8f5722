/**
 * `npm run bench`: latency, throughput, DynamoDB work, cost and cold start of campus-chat, side
 * by side with a socket.io 4 server and the Scan-based design of AWS's WebSocket chat sample, in
 * one run on this machine. Writes benchmarks.md and its charts (docs/ for the full run).
 *
 *   npm run bench                 full run, writes docs/benchmarks.md
 *   npm run bench -- --quick      smaller sizes (CI smoke), writes bench/.out/quick/
 *   npm run bench -- --smoke      tiny sizes, for the test that checks the report's structure
 *   npm run bench -- --images     only the image-message figures, writes bench/.out/images/
 *   npm run bench -- --overload [--quick|--smoke]
 *                                 only throughput, the overload curve and seq conflicts, printed
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { runBench } from './bench-runner';
import { parseArgs } from './options';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// `--notify [samples]`: only the notification scenario (bench/notify-bench.ts), printed.
const notifyAt = process.argv.indexOf('--notify');
if (notifyAt >= 0) {
  const samples = Number(process.argv[notifyAt + 1] ?? '') || 50;
  const { notifyBench, notifyMarkdown } = await import('./notify-bench');
  const local = await startDynamoDbLocal();
  try {
    const result = await notifyBench(local.endpoint, samples, (line) =>
      console.log(`[bench] ${line}`),
    );
    console.log(notifyMarkdown(result));
  } finally {
    await local.stop();
  }
  process.exit(0);
}

// `--search [messages]`: only the search scenario (bench/search-bench.ts), printed.
const searchAt = process.argv.indexOf('--search');
if (searchAt >= 0) {
  const messages = Number(process.argv[searchAt + 1] ?? '') || 20_000;
  const { searchBench, searchMarkdown } = await import('./search-bench');
  const local = await startDynamoDbLocal();
  try {
    const result = await searchBench(local.endpoint, messages, (line) =>
      console.log(`[bench] ${line}`),
    );
    console.log(searchMarkdown(result));
  } finally {
    await local.stop();
  }
  process.exit(0);
}

// `--overload [--quick|--smoke]`: only the throughput phase and the seq-contention scenarios.
if (process.argv.includes('--overload')) {
  const { overloadBench } = await import('./overload-bench');
  const { SIZES } = await import('./options');
  const mode = process.argv.includes('--smoke')
    ? 'smoke'
    : process.argv.includes('--quick')
      ? 'quick'
      : 'full';
  const local = await startDynamoDbLocal();
  try {
    const markdown = await overloadBench(
      local.endpoint,
      SIZES[mode],
      fileURLToPath(new URL(`./.out/overload-${mode}`, import.meta.url)),
      (line) => console.log(`[bench] ${line}`),
    );
    console.log(markdown);
  } finally {
    await local.stop();
  }
  process.exit(0);
}

// `--images` runs only the image-message scenario (bench/images/image-bench.ts).
if (process.argv[2] === '--images') {
  const { runImageBench } = await import('./images/image-bench');
  const outDir = fileURLToPath(new URL('./.out/images', import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const db = await startDynamoDbLocal();
  try {
    const file = await runImageBench({
      outDir,
      dynamodbEndpoint: db.endpoint,
      runs: 5,
      log: (line) => console.log(`[bench] ${line}`),
    });
    console.log(`[bench] wrote ${file}`);
  } finally {
    await db.stop();
  }
  process.exit(0);
}

const options = parseArgs(process.argv.slice(2), {
  docsDir: fileURLToPath(new URL('../docs', import.meta.url)),
  scratchDir: fileURLToPath(new URL('./.out', import.meta.url)),
});
mkdirSync(options.outDir, { recursive: true });
const dynamodb = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
try {
  const { markdownFile } = await runBench({
    ...options,
    dynamodbEndpoint: options.dynamodbEndpoint ?? (dynamodb?.endpoint as string),
    log: (line) => console.log(`[bench] ${line}`),
  });
  console.log(`[bench] wrote ${markdownFile}`);
} finally {
  await dynamodb?.stop();
}
