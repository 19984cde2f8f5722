/** Number formats and the table layout every section of benchmarks.md uses. */

/** Milliseconds: two decimals below 10, one above; — when unmeasured. */
export const ms = (n: number | undefined) =>
  n === undefined || !Number.isFinite(n) ? '—' : n < 10 ? n.toFixed(2) : n.toFixed(1);

/** A number with `d` decimals; — when unmeasured. */
export const num = (n: number | undefined, d = 2) =>
  n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(d);

/** A goal's figure: `digits` decimals (one unless told); — when not a finite number. */
export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : '—');

/**
 * A markdown table with its columns padded to equal width, the layout the repository's formatter
 * (Biome) gives tables, so the generated file is already formatted.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = (c: string) => c.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const all = [header, ...rows].map((r) => r.map(clean));
  const width = (c: string) => [...c].length;
  const widths = header.map((_, i) => Math.max(3, ...all.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c + ' '.repeat((widths[i] ?? 0) - width(c))).join(' | ')} |`;
  const [head, ...body] = all;
  return [
    line(head ?? []),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...body.map(line),
  ].join('\n');
}
