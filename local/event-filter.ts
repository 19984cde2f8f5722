/**
 * Lambda's event filtering, as the event-source mapping applies it to each stream record before
 * batching: a record is delivered when it matches at least one of the mapping's filter patterns,
 * and dropped otherwise (dropped records count as processed; they are never retried).
 *
 * The matching rules follow the Lambda developer guide, "Control which events Lambda sends to your
 * function" (https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html):
 * - every key of a pattern must match (AND); the values listed for a key are alternatives (OR);
 * - a pattern key that is an object descends into the record; a leaf is an array of allowed
 *   values: strings, numbers, booleans, null (exact), or operators `prefix`, `suffix`,
 *   `equals-ignore-case`, `anything-but` (a value, a list, or `{prefix}`), `exists`, `numeric`;
 * - a record field that is an array matches when any of its elements does;
 * - `$or` takes a list of sub-patterns, one of which must match;
 * - a missing field matches only `{"exists": false}`.
 * Unknown operators throw, as Lambda rejects such a pattern when the mapping is created.
 */
import type { FilterPattern } from '../functions/event-sources';

/** Whether a record matches any of the patterns (no patterns: everything matches). */
export function matchesAnyFilter(record: unknown, patterns: readonly FilterPattern[]): boolean {
  return patterns.length === 0 || patterns.some((pattern) => matchesPattern(record, pattern));
}

/** Whether a record (a JSON value) matches one filter pattern. */
export function matchesPattern(record: unknown, pattern: FilterPattern): boolean {
  for (const [key, expected] of Object.entries(pattern)) {
    if (key === '$or') {
      const alternatives = expected as readonly FilterPattern[];
      if (!alternatives.some((alternative) => matchesPattern(record, alternative))) return false;
      continue;
    }
    const value = isObject(record) ? record[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchesLeaf(value, expected)) return false;
    } else if (isObject(value)) {
      if (!matchesPattern(value, expected as FilterPattern)) return false;
    } else if (!matchesMissingObject(expected as FilterPattern)) {
      return false;
    }
  }
  return true;
}

/** A nested pattern against a missing or non-object field: only `exists: false` leaves hold. */
function matchesMissingObject(pattern: FilterPattern): boolean {
  return Object.values(pattern).every((expected) =>
    Array.isArray(expected)
      ? expected.some((rule) => isObject(rule) && rule.exists === false)
      : matchesMissingObject(expected as FilterPattern),
  );
}

function matchesLeaf(value: unknown, rules: readonly unknown[]): boolean {
  if (value === undefined) return rules.some((rule) => isObject(rule) && rule.exists === false);
  const candidates = Array.isArray(value) ? value : [value];
  return rules.some((rule) => candidates.some((candidate) => matchesRule(candidate, rule)));
}

function matchesRule(value: unknown, rule: unknown): boolean {
  if (!isObject(rule)) return equalValues(value, rule);
  const [operator, operand, ...rest] = Object.entries(rule).flat();
  if (rest.length > 0) throw new Error(`filter rule with more than one operator: ${show(rule)}`);
  switch (operator) {
    case 'exists':
      return operand === true;
    case 'prefix':
      return typeof value === 'string' && value.startsWith(String(operand));
    case 'suffix':
      return typeof value === 'string' && value.endsWith(String(operand));
    case 'equals-ignore-case':
      return typeof value === 'string' && value.toLowerCase() === String(operand).toLowerCase();
    case 'anything-but':
      return matchesAnythingBut(value, operand);
    case 'numeric':
      return typeof value === 'number' && matchesNumeric(value, operand as readonly unknown[]);
    default:
      throw new Error(`unsupported filter operator ${String(operator)}`);
  }
}

function matchesAnythingBut(value: unknown, operand: unknown): boolean {
  if (isObject(operand)) {
    if (typeof operand.prefix === 'string')
      return typeof value === 'string' && !value.startsWith(operand.prefix);
    throw new Error(`unsupported anything-but rule: ${show(operand)}`);
  }
  const excluded = Array.isArray(operand) ? operand : [operand];
  return !excluded.some((item) => equalValues(value, item));
}

function matchesNumeric(value: number, terms: readonly unknown[]): boolean {
  for (let i = 0; i < terms.length; i += 2) {
    const operator = terms[i];
    const bound = Number(terms[i + 1]);
    const holds =
      operator === '='
        ? value === bound
        : operator === '<'
          ? value < bound
          : operator === '<='
            ? value <= bound
            : operator === '>'
              ? value > bound
              : operator === '>='
                ? value >= bound
                : undefined;
    if (holds === undefined) throw new Error(`unsupported numeric operator ${String(operator)}`);
    if (!holds) return false;
  }
  return true;
}

function equalValues(value: unknown, expected: unknown): boolean {
  if (typeof expected === 'number' && typeof value === 'number') return value === expected;
  return value === expected;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function show(value: unknown): string {
  return JSON.stringify(value);
}
