import { describe, expect, it } from 'vitest';
import { type CaseRecord, casesOf, figuresOf, median } from './export-cases';
import { csvDocument, csvField } from './export-csv';
import type { DeskRecord } from './export-ports';
import { campusDate, campusIso, campusMidnight, campusSpreadsheetTime } from './export-time';

const ZONE = 'Asia/Shanghai';

describe('median', () => {
  it('is the middle value, the mean of the middle two for an even count, none for none', () => {
    expect(median([30, 10, 20])).toBe(20);
    expect(median([40, 10, 20, 30])).toBe(25);
    expect(median([])).toBeUndefined();
  });
});

describe('campus clock', () => {
  it('puts 23:59 and 00:00 Shanghai time on different days, though both are one UTC day', () => {
    const lateEvening = Date.parse('2026-12-01T15:59:00Z'); // 23:59 in Shanghai
    const midnight = Date.parse('2026-12-01T16:00:00Z'); // 00:00 the next day in Shanghai

    expect(campusDate(lateEvening, ZONE)).toBe('2026-12-01');
    expect(campusDate(midnight, ZONE)).toBe('2026-12-02');
    expect(campusMidnight('2026-12-02', ZONE)).toBe(midnight);
    expect(campusIso(midnight, ZONE)).toBe('2026-12-02T00:00:00+08:00');
    expect(campusSpreadsheetTime(lateEvening, ZONE)).toBe('2026-12-01 23:59:00');
  });

  it('buckets cases by the campus day they started on, every day of the range listed', () => {
    const started = (at: string, state: CaseRecord['state'], responseS?: number): CaseRecord => {
      const startedAt = Date.parse(at);
      return {
        conversationId: `support:${at}`,
        studentName: 's',
        startedAt,
        state,
        ...(responseS !== undefined ? { firstResponseAt: startedAt + responseS * 1000 } : {}),
      };
    };
    const cases = [
      started('2026-12-01T15:59:00Z', 'resolved', 60), // Dec 1, 23:59 campus
      started('2026-12-01T16:00:00Z', 'open'), // Dec 2, 00:00 campus
      started('2026-12-02T01:00:00Z', 'resolved', 120), // Dec 2
      started('2026-12-02T02:00:00Z', 'claimed', 300), // Dec 2
    ];

    const figures = figuresOf(cases, ['2026-12-01', '2026-12-02', '2026-12-03'], ZONE);

    expect(figures.days).toEqual([
      { date: '2026-12-01', conversations: 1, resolved: 1, medianFirstResponseSeconds: 60 },
      { date: '2026-12-02', conversations: 3, resolved: 1, medianFirstResponseSeconds: 210 },
      { date: '2026-12-03', conversations: 0, resolved: 0 },
    ]);
    expect(figures).toMatchObject({
      conversations: 4,
      resolved: 2,
      resolvedShare: 0.5,
      medianFirstResponseSeconds: 120,
    });
  });
});

describe('cases from the desk record', () => {
  it('splits at a reopening: each round has its owner, first response and resolution', () => {
    const id = 'support:stu';
    const r = (at: number, change: DeskRecord['change'], extra: Partial<DeskRecord> = {}) =>
      ({
        conversationId: id,
        at,
        entry: String(at),
        change,
        actorId: 'x',
        actorName: 'x',
        ...extra,
      }) as DeskRecord;
    const records = [
      r(1000, 'new', { state: 'open', actorId: 'stu', actorName: '小明', seq: 1 }),
      r(2000, 'claim', { state: 'claimed', ownerName: '王老师' }),
      r(5000, 'reply', { seq: 2 }),
      r(9000, 'resolve', { state: 'resolved' }),
      r(20000, 'reopen', { state: 'open', actorId: 'stu', actorName: '小明', seq: 3 }),
    ];

    const cases = casesOf(id, records, { title: '小明', lastSeq: 3, deskState: 'open' }, 0, 1e9);

    expect(cases).toEqual([
      {
        conversationId: id,
        studentName: '小明',
        startedAt: 1000,
        state: 'resolved',
        ownerName: '王老师',
        firstResponseAt: 5000,
        resolvedAt: 9000,
        seqs: { first: 1, last: 2 },
      },
      {
        conversationId: id,
        studentName: '小明',
        startedAt: 20000,
        state: 'open',
        seqs: { first: 3, last: 3 },
      },
    ]);
  });
});

describe('CSV', () => {
  it('opens with a BOM, ends rows with CRLF, quotes commas, quotes and line breaks', () => {
    const csv = csvDocument([
      ['名字', 'a,b'],
      ['说 "你好"', '一\n二'],
    ]);

    expect(csv).toBe('\uFEFF名字,"a,b"\r\n"说 ""你好""","一\n二"\r\n');
  });

  it('guards cells a spreadsheet would run as a formula, but not numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+86 123')).toBe("'+86 123");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(-1)).toBe('-1');
    expect(csvField(undefined)).toBe('');
    expect(csvField('小明')).toBe('小明');
  });
});
