/**
 * `npm run bench -- --images`: the image-message figures of issue 16, on the local stack with its
 * real S3 server (s3rver) and the real process-image (sharp), in one small run:
 *
 * - tap to delivered for a ~2 MB photo: upload slot, direct POST to S3, processing, sendmessage
 *   (attachment check) and fan-out to the other member (median of a few runs; loopback, so it is
 *   the server-side work, not a phone network);
 * - the display copy's and the thumbnail's sizes and the time sharp takes to make them;
 * - the cost of 1,000 image messages on AWS from public prices (bench/cost/aws-prices.ts).
 *
 * Writes `images.md` to the output directory.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createSharpCodec } from '../../functions/adapters/sharp-images';
import { DISPLAY_MAX_PX, THUMBNAIL_MAX_PX } from '../../protocol/images';
import { startLocalStack } from '../../local/local-stack';
import { connectAs, type Frame } from '../../test/support/chat-client';
import { photoWithLocation, postToSlot } from '../../test/support/images';
import { PRICES, PRICES_CHECKED, PRICE_REGION } from '../cost/aws-prices';

export interface ImageBenchOptions {
  readonly outDir: string;
  readonly dynamodbEndpoint: string;
  readonly runs: number;
  readonly log: (line: string) => void;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs the scenario; resolves with the markdown file written. */
export async function runImageBench(options: ImageBenchOptions): Promise<string> {
  const photo = await photoWithLocation(2200, 1650);
  options.log(`photo: ${photo.length} bytes, 2200x1650 JPEG with EXIF GPS`);

  // Thumbnail and display copy, measured on the codec alone (what process-image spends).
  const codec = createSharpCodec();
  await codec.derive(photo, 'image/jpeg', {
    displayMaxPx: DISPLAY_MAX_PX,
    thumbMaxPx: THUMBNAIL_MAX_PX,
  });
  const deriveMs: number[] = [];
  let derived: Awaited<ReturnType<typeof codec.derive>>;
  for (let i = 0; i < options.runs; i++) {
    const start = performance.now();
    derived = await codec.derive(photo, 'image/jpeg', {
      displayMaxPx: DISPLAY_MAX_PX,
      thumbMaxPx: THUMBNAIL_MAX_PX,
    });
    deriveMs.push(performance.now() - start);
  }
  if (!derived) throw new Error('the bench photo did not decode');

  const stack = await startLocalStack({
    dynamodbEndpoint: options.dynamodbEndpoint,
    tablePrefix: `bench-img-${Date.now()}-`,
    console: false,
    port: 0,
  });
  const tapToDelivered: number[] = [];
  try {
    const admin = await connectAs(stack, 'admin');
    const sender = await connectAs(stack, 'bench-sender');
    const receiver = await connectAs(stack, 'bench-receiver');
    const room = await admin.request({ action: 'createroom', title: 'bench images' });
    const roomId = String((room.conversation as Frame).id);
    await sender.request({ action: 'join', conversationId: roomId });
    await receiver.request({ action: 'join', conversationId: roomId });
    for (let i = 0; i < options.runs + 1; i++) {
      const id = `bench-img-${i}`;
      const start = performance.now();
      const slot = await sender.request({
        action: 'upload',
        conversationId: roomId,
        contentType: 'image/jpeg',
        size: photo.length,
      });
      const status = await postToSlot(slot, photo, 'image/jpeg');
      if (status !== 204) throw new Error(`upload answered ${status}`);
      const delivered = receiver.waitNew(
        (f) => f.type === 'message' && (f.message as Frame).clientId === id,
        30_000,
      );
      // As the client outbox does: INTERNAL (still processing) is retried with the same id.
      let ack: Frame | undefined;
      for (let attempt = 0; attempt < 5 && ack?.type !== 'ack'; attempt++) {
        ack = await sender.request(
          {
            action: 'sendmessage',
            id,
            conversationId: roomId,
            text: '',
            image: { key: slot.key, width: 2200, height: 1650, size: photo.length },
          },
          30_000,
        );
        if (ack.type === 'error' && ack.code !== 'INTERNAL') break;
      }
      if (ack?.type !== 'ack') throw new Error(`send answered ${JSON.stringify(ack)}`);
      await delivered;
      // The first run warms the handlers and sharp; it is not counted.
      if (i > 0) tapToDelivered.push(performance.now() - start);
    }
    await Promise.all([admin.close(), sender.close(), receiver.close()]);
  } finally {
    await stack.stop();
  }

  // Cost of 1,000 image messages (S3 and Lambda parts; the message itself is the text cost).
  const displayBytes = derived.display.bytes.length;
  const thumbBytes = derived.thumb.bytes.length;
  const recipients = 5;
  const openedFullSize = 1;
  const GB = 1024 ** 3;
  const lines = [
    ['S3 POST (upload)', PRICES.s3PutRequest.usd * 1000],
    ['S3 PUT (display copy + thumbnail)', PRICES.s3PutRequest.usd * 2 * 1000],
    ['S3 GET/HEAD (process-image 2, sendmessage 2)', PRICES.s3GetRequest.usd * 4 * 1000],
    [
      `S3 GET by members (${recipients} thumbnails, ${openedFullSize} full size)`,
      PRICES.s3GetRequest.usd * (recipients + openedFullSize) * 1000,
    ],
    [
      'process-image Lambda (1024 MB arm64, the local derive time)',
      1000 *
        (PRICES.lambdaRequest.usd + PRICES.lambdaGbSecondArm.usd * 1 * (median(deriveMs) / 1000)),
    ],
    [
      'Storage for a year (display + thumbnail; the upload is kept 1 day)',
      (((displayBytes + thumbBytes) * 12 + (photo.length * 1) / 30) / GB) *
        PRICES.s3StorageGbMonth.usd *
        1000,
    ],
    [
      `Data transfer out (${recipients} thumbnails + ${openedFullSize} display copy)`,
      ((thumbBytes * recipients + displayBytes * openedFullSize) / GB) *
        PRICES.dataTransferOutGb.usd *
        1000,
    ],
  ] as const;
  const total = lines.reduce((sum, [, usd]) => sum + usd, 0);

  const file = join(options.outDir, 'images.md');
  const md = [
    '# Image messages: figures',
    '',
    `Written by \`npm run bench -- --images\` on ${new Date().toISOString().slice(0, 10)}; ${options.runs} measured runs after one warm-up.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| photo | ${(photo.length / 1e6).toFixed(2)} MB JPEG, 2200×1650, EXIF GPS |`,
    `| tap to delivered (local, loopback) | median ${median(tapToDelivered).toFixed(0)} ms (runs: ${tapToDelivered.map((v) => v.toFixed(0)).join(', ')}) |`,
    `| display copy | ${(displayBytes / 1024).toFixed(0)} KB JPEG ${derived.display.width}×${derived.display.height}, no EXIF |`,
    `| thumbnail | ${(thumbBytes / 1024).toFixed(1)} KB WebP ${derived.thumb.width}×${derived.thumb.height}, no EXIF |`,
    `| sharp: display copy + thumbnail | median ${median(deriveMs).toFixed(0)} ms on this machine (x64) |`,
    '',
    `## Cost of 1,000 image messages on AWS (${PRICE_REGION}, prices checked ${PRICES_CHECKED})`,
    '',
    `Assumes each image is seen by ${recipients} members as a thumbnail and opened full size once. The message frames themselves cost what a text message costs (docs/benchmarks.md).`,
    '',
    '| part | USD per 1,000 |',
    '| --- | --- |',
    ...lines.map(([part, usd]) => `| ${part} | ${usd.toFixed(5)} |`),
    `| **total** | **${total.toFixed(4)}** |`,
    '',
  ].join('\n');
  writeFileSync(file, md);
  for (const line of md.split('\n').filter((l) => l.startsWith('|'))) options.log(line);
  return file;
}
