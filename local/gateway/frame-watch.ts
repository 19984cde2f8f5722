/**
 * Reads the WebSocket frame headers (RFC 6455 §5.2) a client sends, alongside `ws`, to enforce
 * API Gateway's 32 KB frame quota. `ws` only limits a whole message (`maxPayload`, 128 KB here); API
 * Gateway also closes the connection with 1009 when a single frame is over 32 KB, even inside a
 * message that would fit ("WebSocket frame size 32 KB", footnote: larger messages must be split
 * into frames of at most 32 KB):
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-execution-service-websocket-limits-table.html
 */
import type { Duplex } from 'node:stream';

/** Data frames: continuation, text, binary. Control frames (close, ping, pong) are ≤ 125 bytes. */
const DATA_OPCODES = new Set([0x0, 0x1, 0x2]);

/**
 * A streaming parser of frame headers: feed it every byte the client sends, in order, and it calls
 * `onOversize` (once) when a data frame announces a payload over `maxFrameBytes`. It only skips
 * payloads; `ws` still parses and unmasks them.
 */
export class FrameSizeWatch {
  private header: number[] = [];
  private skip = 0;
  private tripped = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly onOversize: (payloadBytes: number) => void,
  ) {}

  /** Feeds the next chunk of the client's byte stream. */
  push(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && !this.tripped) {
      if (this.skip > 0) {
        const step = Math.min(this.skip, chunk.length - offset);
        this.skip -= step;
        offset += step;
        continue;
      }
      this.header.push(chunk[offset] as number);
      offset += 1;
      const parsed = parseHeader(this.header);
      if (!parsed) continue;
      this.header = [];
      if (DATA_OPCODES.has(parsed.opcode) && parsed.payloadBytes > this.maxFrameBytes) {
        this.tripped = true;
        this.onOversize(parsed.payloadBytes);
        return;
      }
      this.skip = parsed.payloadBytes;
    }
  }
}

/** The opcode and payload length once `bytes` hold a whole header, else undefined. */
function parseHeader(
  bytes: readonly number[],
): { opcode: number; payloadBytes: number } | undefined {
  if (bytes.length < 2) return undefined;
  const opcode = (bytes[0] as number) & 0x0f;
  const masked = ((bytes[1] as number) & 0x80) !== 0;
  const short = (bytes[1] as number) & 0x7f;
  const lengthBytes = short === 126 ? 2 : short === 127 ? 8 : 0;
  const total = 2 + lengthBytes + (masked ? 4 : 0);
  if (bytes.length < total) return undefined;
  let payloadBytes = short;
  if (lengthBytes > 0) {
    payloadBytes = 0;
    // 64-bit lengths beyond 2^53 cannot be sent anyway; the sum stays a safe integer up to there.
    for (let i = 2; i < 2 + lengthBytes; i++)
      payloadBytes = payloadBytes * 256 + (bytes[i] as number);
  }
  return { opcode, payloadBytes };
}

/**
 * Watches the frames arriving on an upgraded socket. Call it right after `ws` took the socket: the
 * listener is put first so an oversized frame is flagged before `ws` delivers it as a message.
 */
export function watchFrameSizes(
  socket: Duplex,
  maxFrameBytes: number,
  onOversize: (payloadBytes: number) => void,
): void {
  const watch = new FrameSizeWatch(maxFrameBytes, onOversize);
  socket.prependListener('data', (chunk: Buffer) => watch.push(chunk));
}
