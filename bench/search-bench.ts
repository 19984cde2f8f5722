/**
 * `npm run bench -- --search [messages]`: message search (functions/domain/search.ts) over a
 * seeded history on the local stack behind the DynamoDB proxy. The history is `messages` texts
 * (default 20,000; the campus target is 200,000) in support conversations of
 * MESSAGES_PER_CONVERSATION each, written with BatchWrite (test/support/seed-history.ts); one
 * message in 5,000 holds a rare phrase. Measured over real WebSockets, as the desk's console searches:
 * the first page of a common word (fills its 20 results early), a rare phrase followed through
 * every cursor to the end of the history (each page bounded by SEARCH_SCAN_BUDGET messages), and
 * a search inside one conversation. Read units are what the proxy saw DynamoDB Local report for
 * the search invocations (the frame handler's connection read included).
 */
import { performance } from 'node:perf_hooks';
import { createDocumentClient } from '../functions/adapters/dynamo-client';
import { startDynamoDbProxy } from '../local/dynamodb-proxy';
import { startLocalStack } from '../local/local-stack';
import { SEARCH_SCAN_BUDGET } from '../protocol/search';
import { connectAs, type ChatTestClient, type Frame } from '../test/support/chat-client';
import { seedHistory } from '../test/support/seed-history';
import { lambdaInvocationUsd } from './cost/cost-model';
import { PRICES } from './cost/aws-prices';
import { LatencyRecorder, type LatencySummary } from './metrics/histogram';

const MESSAGES_PER_CONVERSATION = 200;
/** What the search invocation issues (the stream poller's GetRecords are not its). */
const SEARCH_OPERATIONS = new Set(['Query', 'GetItem', 'BatchGetItem']);
/** One conversation in this many holds the rare phrase once (one message in 5,000). */
const RARE_EVERY_CONVERSATIONS = 25;
const RARE = '图书馆四楼储物柜';
const COMMON = '自习室';
/** The search route's memory (functions/routes.ts frame handlers). */
const MEMORY_MB = 512;

/** Everyday desk traffic: booking, opening hours, lost property, noise (about 20–40 characters). */
const TEMPLATES = [
  '老师好，我想预约明天下午三楼的自习室座位',
  '请问周末自习室几点开门？',
  '我的校园卡落在二楼了，请问有人捡到吗',
  '隔壁座位一直在打电话，能提醒一下吗',
  '预约的座位超时了会不会被取消',
  '好的，谢谢老师！',
  '空调太冷了，可以调高一点吗',
  'Is the quiet room on 3F open during the exam week?',
  '我想续约下周的座位，可以吗',
  '插座没电了，靠窗那排',
];

export interface SearchBenchResult {
  readonly messages: number;
  readonly conversations: number;
  readonly seedSeconds: number;
  readonly common: PageFigures;
  readonly rare: PageFigures & {
    readonly pagesToEnd: number;
    readonly secondsToEnd: number;
    readonly found: number;
    readonly expected: number;
  };
  readonly oneConversation: PageFigures;
}

export interface PageFigures {
  readonly latency: LatencySummary;
  readonly scannedPerPage: number;
  readonly readUnitsPerPage: number;
  /** DynamoDB reads + Lambda (the round trip as an upper bound of duration) + 2 API messages. */
  readonly usdPerPage: number;
}

/** Seeds `messages` and runs the three searches; `log` reports progress. */
export async function searchBench(
  dynamodbEndpoint: string,
  messages: number,
  log: (line: string) => void,
): Promise<SearchBenchResult> {
  const proxy = await startDynamoDbProxy({ target: dynamodbEndpoint });
  const stack = await startLocalStack({
    dynamodbEndpoint: proxy.endpoint,
    tablePrefix: `sb${Date.now().toString(36)}-`,
    console: false,
    admins: 'admin',
    env: {
      FRAME_BURST: '100000',
      FRAME_PER_SECOND: '100000',
      LOG_LEVEL: 'SILENT',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    },
  });
  const db = createDocumentClient({ endpoint: dynamodbEndpoint, region: 'us-east-1' });
  const clients: ChatTestClient[] = [];
  try {
    const conversations = Math.max(1, Math.ceil(messages / MESSAGES_PER_CONVERSATION));
    const seedStart = performance.now();
    let written = 0;
    let expected = 0;
    for (let c = 0; c < conversations; c++) {
      const name = `sb${c}`;
      const student = await connectAs(stack, name);
      const first = await student.request({
        action: 'sendmessage',
        conversationId: `support:${name}`,
        text: '老师好',
      });
      await student.close();
      const count = Math.min(MESSAGES_PER_CONVERSATION, messages - written) - 1;
      const texts = Array.from({ length: Math.max(0, count) }, (_, i) => {
        const n = written + i + 1;
        if (c % RARE_EVERY_CONVERSATIONS === 0 && i === Math.floor(count / 2)) {
          expected += 1;
          return `请问${RARE}还有空的吗？`;
        }
        return `${TEMPLATES[n % TEMPLATES.length] ?? ''} ${n}`;
      });
      await seedHistory(
        db,
        stack.tables,
        `support:${name}`,
        Number((first.message as Frame).seq),
        texts,
        (i) =>
          i % 3 === 2
            ? { senderId: 'admin', senderName: '王老师', senderRole: 'admin' }
            : { senderId: name, senderName: `学生${c}`, senderRole: 'student' },
      );
      written += count + 1;
      proxy.reset();
      if ((c + 1) % 50 === 0) log(`search: seeded ${written}/${messages}`);
    }
    const seedSeconds = (performance.now() - seedStart) / 1000;
    const desk = await connectAs(stack, 'admin');
    clients.push(desk);

    const page = async (frame: Record<string, unknown>) => {
      proxy.reset();
      const from = performance.now();
      const reply = await desk.request({ action: 'search', ...frame });
      const ms = performance.now() - from;
      if (reply.type !== 'searchresults')
        throw new Error(`search failed: ${JSON.stringify(reply)}`);
      const units = proxy
        .calls()
        .filter((c) => SEARCH_OPERATIONS.has(c.operation))
        .reduce((sum, c) => sum + c.capacityUnits, 0);
      return {
        ms,
        units,
        scanned: Number(reply.scanned),
        results: (reply.results as unknown[]).length,
        cursor: reply.cursor as string | undefined,
      };
    };
    const figures = (pages: { ms: number; units: number; scanned: number }[]): PageFigures => {
      const latency = new LatencyRecorder();
      for (const p of pages) latency.record(p.ms);
      const n = Math.max(1, pages.length);
      const units = pages.reduce((s, p) => s + p.units, 0) / n;
      const ms = pages.reduce((s, p) => s + p.ms, 0) / n;
      return {
        latency: latency.summary(),
        scannedPerPage: Math.round(pages.reduce((s, p) => s + p.scanned, 0) / n),
        readUnitsPerPage: Math.round(units * 10) / 10,
        usdPerPage:
          units * PRICES.dynamoReadRequestUnit.usd +
          lambdaInvocationUsd(ms, MEMORY_MB) +
          2 * PRICES.apiGatewayMessage.usd,
      };
    };

    const commonPages = [];
    for (let i = 0; i < 20; i++) commonPages.push(await page({ query: COMMON }));
    log('search: common word done');

    const rarePages = [];
    let found = 0;
    const rareStart = performance.now();
    let cursor: string | undefined;
    do {
      const p = await page({ query: RARE, ...(cursor ? { cursor } : {}) });
      rarePages.push(p);
      found += p.results;
      cursor = p.cursor;
    } while (cursor);
    const secondsToEnd = (performance.now() - rareStart) / 1000;
    log(`search: rare phrase done (${rarePages.length} pages)`);

    const onePages = [];
    for (let i = 0; i < 20; i++) {
      onePages.push(await page({ query: RARE, conversationId: `support:sb${i % conversations}` }));
    }
    return {
      messages: written,
      conversations,
      seedSeconds: Math.round(seedSeconds),
      common: figures(commonPages),
      rare: {
        ...figures(rarePages),
        pagesToEnd: rarePages.length,
        secondsToEnd: Math.round(secondsToEnd * 10) / 10,
        found,
        expected,
      },
      oneConversation: figures(onePages),
    };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await stack.stop();
    await proxy.stop();
    db.destroy();
  }
}

/** The figures as the Markdown table docs/benchmarks.md "Search" shows. */
export function searchMarkdown(r: SearchBenchResult): string {
  const usd = (n: number) => `$${(n * 1_000_000).toFixed(2)} per million`;
  const row = (what: string, f: PageFigures) =>
    `| ${what} | ${f.latency.p50} | ${f.latency.p95} | ${f.scannedPerPage} | ${f.readUnitsPerPage} | ${usd(f.usdPerPage)} |`;
  return [
    `Search over ${r.messages} messages in ${r.conversations} support conversations ` +
      `(seeded in ${r.seedSeconds} s; scan budget ${SEARCH_SCAN_BUDGET} messages per request).`,
    '',
    '| search page | p50 ms | p95 ms | messages read | read units | cost per page |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row(`common word (“${COMMON}”), first page of 20`, r.common),
    row(`rare phrase, every page to the end`, r.rare),
    row('rare phrase, one conversation', r.oneConversation),
    '',
    `The rare phrase: ${r.rare.found} of ${r.rare.expected} found in ${r.rare.pagesToEnd} pages, ` +
      `${r.rare.secondsToEnd} s to the end of the history.`,
  ].join('\n');
}
