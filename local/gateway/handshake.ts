/** Small pieces of the local gateway's handshake and frame handling. */
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { RawData } from 'ws';
import type { ListenerFacts } from './lambda-events';

/** The port and protocol the client reached the gateway on. */
export function listenerOf(request: IncomingMessage): ListenerFacts {
  const socket = request.socket as IncomingMessage['socket'] & { encrypted?: boolean };
  return { port: socket.localPort ?? 0, proto: socket.encrypted ? 'https' : 'http' };
}

/** The status a $connect integration answered (200 when it says none). */
export function statusOf(result: unknown): number {
  if (result && typeof result === 'object' && 'statusCode' in result) {
    const status = Number((result as { statusCode: unknown }).statusCode);
    if (Number.isInteger(status)) return status;
  }
  return 200;
}

/** Refuses a handshake with an HTTP status and a JSON body naming it. */
export function refuse(socket: Duplex, status: number): void {
  const body = JSON.stringify({ message: STATUS_CODES[status] ?? 'Error' });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** One Buffer for a message, in whichever form ws delivered it. */
export function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
