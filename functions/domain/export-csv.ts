/**
 * CSV as spreadsheets open it (RFC 4180): UTF-8 with a byte-order mark (without it Excel reads
 * UTF-8 as the local code page and garbles Chinese), CRLF line ends, a field quoted when it holds
 * a comma, quote or line break (quotes doubled). A text field starting with `=`, `+`, `-`, `@`,
 * a tab or a carriage return is prefixed with `'`, so a spreadsheet shows it as text instead of
 * running it as a formula (CSV injection: a student could name themselves `=HYPERLINK(…)`).
 */

/** The byte-order mark that opens the file. */
export const CSV_BOM = '\uFEFF';

/** A cell: text, a number, or empty. */
export type CsvValue = string | number | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, guarded and quoted as needed. */
export function csvField(value: CsvValue): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole file: BOM, the rows (the header first), each ended by CRLF. */
export function csvDocument(rows: readonly (readonly CsvValue[])[]): string {
  return CSV_BOM + rows.map((row) => `${row.map(csvField).join(',')}\r\n`).join('');
}
