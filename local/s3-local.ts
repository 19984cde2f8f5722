/**
 * A local S3: `s3rver` (an S3-compatible server from npm, in this process), with the buckets of
 * functions/buckets.ts, persisted under `<DATA_DIR>/s3` (or a temporary directory removed on
 * stop). Its ObjectCreated events run the bucket's event handlers (functions/buckets.ts `events`)
 * as S3 notifications would on AWS, with the same event shape.
 *
 * What s3rver checks and what it does not (docs/deploy.md "Local S3"): it verifies SigV4 query
 * signatures and their expiry on GET (a tampered or expired download URL is refused, 403), and
 * answers HEAD/GET/PUT/DELETE as S3 does. On a browser POST it checks NOTHING of the policy: not
 * the signature, not the expiration, not `content-length-range`, not the `Content-Type` or key
 * conditions. Those rules hold on AWS only; locally the server's own checks at `upload` and
 * `sendmessage` (type, declared size, key scope, HeadObject) are what tests can assert.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { BUCKETS, type BucketEventSource, type BucketId } from '../functions/buckets';

export interface RunningS3 {
  readonly endpoint: string;
  stop(): Promise<void>;
  /** Resolves once every event handler started so far has finished. */
  idle(): Promise<void>;
}

export interface LocalS3Options {
  readonly host: string;
  /** Persist objects here; absent: a temporary directory. */
  readonly directory?: string;
  readonly names: Record<BucketId, string>;
  /** Browser origins allowed to POST uploads and GET images (the console). */
  readonly corsOrigins: readonly string[];
  /** The credentials the handlers sign with (s3rver checks signatures against its accounts). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** Runs a bucket event handler with an S3 event. */
  readonly invoke: (source: BucketEventSource, event: unknown) => Promise<unknown>;
  readonly onError: (message: string, error: unknown) => void;
}

interface S3rverEvent {
  readonly Records: readonly {
    readonly eventName: string;
    readonly s3: {
      readonly bucket: { readonly name: string };
      readonly object: { readonly key: string };
    };
  }[];
}

/** CORS of the image bucket, as the CDK stack declares it (infra): POST uploads and GETs. */
function corsXml(origins: readonly string[]): string {
  const rules = origins
    .map(
      (origin) =>
        `<CORSRule><AllowedOrigin>${origin}</AllowedOrigin><AllowedMethod>POST</AllowedMethod><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule>`,
    )
    .join('');
  return `<CORSConfiguration>${rules}</CORSConfiguration>`;
}

/** Starts the local S3 server; resolves once it answers. */
export async function startLocalS3(options: LocalS3Options): Promise<RunningS3> {
  const temporary = options.directory === undefined;
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'campus-chat-s3-'));
  mkdirSync(directory, { recursive: true });
  // s3rver signs with one built-in account; the handlers' credentials are added to it so their
  // signatures verify as S3 would verify them.
  const require = createRequire(import.meta.url);
  const account = require('s3rver/lib/models/account.js') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  account.DUMMY_ACCOUNT.createKeyPair(
    options.credentials.accessKeyId,
    options.credentials.secretAccessKey,
  );
  const server = new S3rver({
    address: options.host,
    port: 0,
    directory,
    silent: true,
    // Path-style only, as the handlers address it (forcePathStyle).
    vhostBuckets: false,
    configureBuckets: BUCKETS.map((b) => ({
      name: options.names[b.id],
      configs: options.corsOrigins.length > 0 ? [corsXml(options.corsOrigins)] : [],
    })),
  });
  const running = new Set<Promise<void>>();
  (server as unknown as NodeJS.EventEmitter).on('event', (event: S3rverEvent) => {
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated:')) continue;
      const bucket = BUCKETS.find((b) => options.names[b.id] === record.s3.bucket.name);
      for (const source of bucket?.events ?? []) {
        // S3's notification filter: only keys under the prefix notify.
        if (!record.s3.object.key.startsWith(source.prefix)) continue;
        const run = options
          .invoke(source, { Records: [record] })
          .then(() => undefined)
          .catch((error: unknown) => options.onError(`${source.handler} failed`, error))
          .finally(() => running.delete(run));
        running.add(run);
      }
    }
  });
  const address = await server.run();
  return {
    endpoint: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${address.port}`,
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    async stop() {
      await Promise.all([...running]);
      await server.close();
      if (temporary) rmSync(directory, { recursive: true, force: true });
    },
  };
}
