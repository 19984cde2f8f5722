/** What the local WeChat stand-ins share to read a request. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The request body as UTF-8 text. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** The body parsed as a JSON object; undefined when it is not one (WeChat answers 47001). */
export function jsonObject(raw: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The errcodes a test queued for a stand-in's next calls (`failNext`): each call takes the oldest;
 * 500 stands for an HTTP 500 without JSON, as WeChat's gateway answers when it is down.
 */
export class FailureQueue {
  private codes: number[] = [];

  /** The next `times` calls answer `errcode`. */
  push(errcode: number, times = 1): void {
    for (let i = 0; i < times; i++) this.codes.push(errcode);
  }

  /** The errcode this call answers, or undefined to answer normally. */
  take(): number | undefined {
    return this.codes.shift();
  }

  clear(): void {
    this.codes = [];
  }
}

/** Answers an HTTP 500 with an HTML body, as WeChat's gateway does when it fails. */
export function serverError(response: ServerResponse<IncomingMessage>): void {
  response.writeHead(500, { 'content-type': 'text/html' }).end('<h1>500</h1>');
}
