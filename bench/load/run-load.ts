/**
 * `npm run bench:load`: N simulated users (default 1,000 connections) in a campus-day mix on the
 * local stack; writes load.md (docs/ for the default run) and the raw load.json (bench/.out/load/).
 *
 *   npm run bench:load                      1,000 users, two phases of 60 s, writes docs/load.md
 *   npm run bench:load -- --users 2000      as many as the machine holds (writes bench/.out/)
 *   npm run bench:load -- --smoke           tiny sizes, for the test that checks the report
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from '../../local/dynamodb-local';
import { renderLoadMarkdown } from './load-report';
import { parseLoadArgs } from './load-options';
import { runLoad } from './load-runner';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const options = parseLoadArgs(process.argv.slice(2), {
  docsDir: fileURLToPath(new URL('../../docs', import.meta.url)),
  scratchDir: fileURLToPath(new URL('../.out', import.meta.url)),
});
mkdirSync(options.outDir, { recursive: true });
const dynamodb = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal();
try {
  const report = await runLoad({
    ...options,
    dynamodbEndpoint: options.dynamodbEndpoint ?? (dynamodb?.endpoint as string),
    log: (line) => console.log(`[load] ${line}`),
  });
  // The raw figures go beside the other bench output, not into docs/.
  const scratch = fileURLToPath(new URL('../.out/load', import.meta.url));
  mkdirSync(scratch, { recursive: true });
  writeFileSync(join(scratch, 'load.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(options.outDir, 'load.md'), renderLoadMarkdown(report));
  console.log(`[load] wrote ${join(options.outDir, 'load.md')}`);
  if (report.invariant.violations.length > 0) {
    console.error(`[load] invariant violated:\n${report.invariant.violations.join('\n')}`);
    process.exitCode = 1;
  }
} finally {
  await dynamodb?.stop();
}
