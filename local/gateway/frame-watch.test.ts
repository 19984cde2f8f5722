import { describe, expect, it } from 'vitest';
import { FrameSizeWatch } from './frame-watch';

/** A masked client frame header (RFC 6455 §5.2) followed by `payload` bytes of zeros. */
function frame(opcode: number, payload: number, fin = true): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  let header: number[];
  if (payload < 126) header = [first, 0x80 | payload];
  else if (payload < 65536) header = [first, 0x80 | 126, payload >> 8, payload & 0xff];
  else {
    const bytes = Array.from({ length: 8 }, (_, i) => Math.floor(payload / 256 ** (7 - i)) % 256);
    header = [first, 0x80 | 127, ...bytes];
  }
  return Buffer.concat([Buffer.from([...header, 1, 2, 3, 4]), Buffer.alloc(payload)]);
}

function watch(chunks: Buffer[], max = 32 * 1024): number[] {
  const seen: number[] = [];
  const w = new FrameSizeWatch(max, (bytes) => seen.push(bytes));
  for (const chunk of chunks) w.push(chunk);
  return seen;
}

describe('FrameSizeWatch', () => {
  it('lets frames up to the limit through, across any chunking', () => {
    const stream = Buffer.concat([
      frame(1, 10),
      frame(9, 4),
      frame(1, 32 * 1024, false),
      frame(0, 32 * 1024),
    ]);
    const oneByteAtATime = [...stream].map((b) => Buffer.from([b]));

    expect(watch([stream])).toEqual([]);
    expect(watch(oneByteAtATime)).toEqual([]);
  });

  it('flags the first data frame over the limit, with 16- and 64-bit lengths, once', () => {
    expect(watch([frame(1, 100), frame(1, 32 * 1024 + 1)])).toEqual([32 * 1024 + 1]);
    expect(watch([frame(0x2, 70_000), frame(1, 40_000)])).toEqual([70_000]);
    const split = frame(0, 40_000);
    expect(watch([frame(1, 5, false), split.subarray(0, 3), split.subarray(3)])).toEqual([40_000]);
  });
});
