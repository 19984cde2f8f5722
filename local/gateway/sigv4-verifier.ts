/**
 * Verifies the SigV4 signature of an @connections request as API Gateway does: the local stack's
 * handlers sign with the credentials it gave them (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), and
 * anything else — no signature, another key, a changed body, an old date — is refused. The
 * signature is recomputed with the same signer the AWS SDK uses (`@smithy/signature-v4`) over the
 * headers the request says it signed, then compared in constant time.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { SignatureV4 } from '@smithy/signature-v4';

/** Why a request was refused, in API Gateway's words (x-amzn-ErrorType and message). */
export interface SignatureRejection {
  readonly type: 'ForbiddenException' | 'InvalidSignatureException';
  readonly message: string;
}

export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** AWS refuses requests signed more than 15 minutes away from its clock. */
const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** SHA-256 and HMAC-SHA-256 over node:crypto, in the shape `@smithy/signature-v4` expects. */
export class NodeSha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined ? createHash('sha256') : createHmac('sha256', toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(toBuffer(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
}

function toBuffer(data: string | ArrayBuffer | ArrayBufferView): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

/** `20261201T205301Z` → Date. */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

/**
 * Checks `request` (whose body has been read into `body`) against `credentials`; resolves with
 * undefined when the signature is valid, else with the rejection to answer (403).
 */
export async function verifySignature(
  request: IncomingMessage,
  body: Buffer,
  credentials: LocalCredentials,
  now = Date.now(),
): Promise<SignatureRejection | undefined> {
  const header = request.headers.authorization;
  if (!header) return { type: 'ForbiddenException', message: 'Missing Authentication Token' };
  const match = AUTHORIZATION.exec(header);
  if (!match) {
    return { type: 'InvalidSignatureException', message: 'Authorization header is malformed' };
  }
  const [, accessKeyId, day, region, service, signedHeaderList, signature] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (accessKeyId !== credentials.accessKeyId) {
    return {
      type: 'ForbiddenException',
      message: 'The security token included in the request is invalid.',
    };
  }
  const amzDate = request.headers['x-amz-date'];
  const signedAt = typeof amzDate === 'string' ? parseAmzDate(amzDate) : undefined;
  if (!signedAt || typeof amzDate !== 'string' || !amzDate.startsWith(day)) {
    return { type: 'InvalidSignatureException', message: 'X-Amz-Date is missing or malformed' };
  }
  if (Math.abs(now - signedAt.getTime()) > MAX_SKEW_MS) {
    return { type: 'InvalidSignatureException', message: 'Signature expired' };
  }

  const signedHeaders = signedHeaderList.split(';');
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers[name];
    if (value === undefined) {
      return { type: 'InvalidSignatureException', message: `Signed header ${name} is missing` };
    }
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  // The signer trusts a payload hash header as given, so check it against the body here.
  const payloadHash = headers['x-amz-content-sha256'];
  if (
    payloadHash !== undefined &&
    payloadHash !== createHash('sha256').update(body).digest('hex')
  ) {
    return {
      type: 'InvalidSignatureException',
      message: 'The provided x-amz-content-sha256 header does not match what was computed.',
    };
  }
  const url = new URL(request.url ?? '/', 'http://placeholder');
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const seen = query[key];
    query[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value];
  }
  // The payload hash header is signed only when the caller sent it (S3 does; execute-api need not).
  const applyChecksum = signedHeaders.includes('x-amz-content-sha256');
  const signer = new SignatureV4({
    credentials,
    region,
    service,
    sha256: NodeSha256,
    applyChecksum,
  });
  const expected = await signer.sign(
    {
      method: request.method ?? 'GET',
      protocol: 'http:',
      hostname: (headers.host ?? '').split(':')[0] ?? '',
      path: url.pathname,
      query,
      headers,
      body: body.length > 0 ? body : undefined,
    },
    { signingDate: signedAt, signableHeaders: new Set(signedHeaders) },
  );
  const expectedSignature = /Signature=([0-9a-f]{64})/.exec(
    String(expected.headers.authorization ?? expected.headers.Authorization),
  )?.[1];
  if (
    !expectedSignature ||
    !timingSafeEqual(Buffer.from(expectedSignature), Buffer.from(signature))
  ) {
    return {
      type: 'InvalidSignatureException',
      message:
        'The request signature we calculated does not match the signature you provided. ' +
        'Check your AWS Secret Access Key and signing method.',
    };
  }
  return undefined;
}
