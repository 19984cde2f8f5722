/**
 * The operator's guide in Chinese (docs/deploy.zh-CN.md) is kept in step with docs/deploy.md:
 * every CDK context key, tuning knob, secret name, SSM parameter and stack output deploy.md
 * names must appear in the Chinese guide too, and each must exist in the code (infra/,
 * functions/config.ts, functions/tables.ts), so neither guide can name a setting that is not
 * there. Cheap: it reads files, no stack.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TUNING_VARIABLES } from '../functions/config';
import { TABLES } from '../functions/tables';

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8');
const english = read('../docs/deploy.md');
const chinese = read('../docs/deploy.zh-CN.md');
/** The stack's sources, outputs and context keys included. */
const infra = [
  'bin/campus-chat.ts',
  'lib/campus-chat-stack.ts',
  'lib/stack-config.ts',
  'lib/handler-platform.ts',
  'lib/console-hosting.ts',
]
  .map((file) => read(`../infra/${file}`))
  .join('\n');

/** The lines of the section under `heading` (up to the next heading of that level or higher). */
function section(doc: string, heading: string): string {
  const start = doc.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const level = heading.split(' ')[0] ?? '##';
  const rest = doc.slice(start + heading.length + 2);
  const next = rest.search(new RegExp(`\\n#{2,${level.length}} `));
  return next < 0 ? rest : rest.slice(0, next);
}

/** Backticked words in `text` that match `pattern`. */
function ticked(text: string, pattern: RegExp): string[] {
  return [...new Set([...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? ''))].filter((w) =>
    pattern.test(w),
  );
}

/** Context keys: the first column of deploy.md's Settings table (the tuning knobs aside). */
function contextKeys(): string[] {
  const rows = section(english, '## Settings')
    .split('\n')
    .filter((line) => line.startsWith('| `'));
  return rows.flatMap((row) => ticked(row.split('|')[1] ?? '', /^[a-zA-Z]+$/));
}

function tuningKnobs(): string[] {
  // The list names the knobs; `TUNING_VARIABLES` is where they are declared.
  return ticked(section(english, '### Tuning knobs'), /^[A-Z]+_[A-Z_]+$/).filter(
    (word) => word !== 'TUNING_VARIABLES',
  );
}

function secretsAndParameters(): string[] {
  return [...new Set(english.match(/(?<![\w/])\/?campus-chat\/[a-z-]+/g) ?? [])];
}

function outputs(): string[] {
  return ticked(english, /^[A-Z][A-Za-z]+(Url|Target|Arn|Name)$/);
}

describe('docs/deploy.zh-CN.md keeps in step with docs/deploy.md', () => {
  it('finds what it compares (the parsing works)', () => {
    expect(contextKeys()).toEqual(expect.arrayContaining(['stackName', 'lambdaRuntime']));
    expect(contextKeys().length).toBeGreaterThan(20);
    expect(tuningKnobs()).toEqual(expect.arrayContaining(['SEND_RATE_LIMIT', 'DESK_HOURS']));
    expect(secretsAndParameters()).toEqual(
      expect.arrayContaining(['campus-chat/jwt-signing-key', '/campus-chat/admins']),
    );
    expect(outputs()).toEqual(expect.arrayContaining(['WebSocketUrl', 'MessagePushUrl']));
  });

  it('names every context key deploy.md names, and each is read by the stack', () => {
    for (const key of contextKeys()) {
      expect(chinese, `deploy.zh-CN.md lacks context key ${key}`).toContain(`\`${key}\``);
      expect(infra, `infra/ reads no context key ${key}`).toContain(`'${key}'`);
    }
  });

  it('names every tuning knob deploy.md names, and each is a handler setting', () => {
    const known = new Set<string>(TUNING_VARIABLES);
    for (const knob of tuningKnobs()) {
      expect(chinese, `deploy.zh-CN.md lacks ${knob}`).toContain(`\`${knob}\``);
      expect(known.has(knob), `${knob} is not in TUNING_VARIABLES`).toBe(true);
    }
  });

  it('names every secret and SSM parameter, and each is a default of the stack', () => {
    for (const name of secretsAndParameters()) {
      expect(chinese, `deploy.zh-CN.md lacks ${name}`).toContain(name);
      expect(infra, `infra/ has no default ${name}`).toContain(`'${name}'`);
    }
  });

  it('names every stack output, and each is an output of the stack', () => {
    const tableOutputs = new Set(
      TABLES.map((t) => `${t.id[0]?.toUpperCase()}${t.id.slice(1)}TableName`),
    );
    for (const name of outputs()) {
      expect(chinese, `deploy.zh-CN.md lacks output ${name}`).toContain(`\`${name}\``);
      const exists = tableOutputs.has(name) || infra.includes(`'${name}'`);
      expect(exists, `${name} is not an output of the stack`).toBe(true);
    }
  });

  it('links both ways and says they are kept in step', () => {
    expect(english).toContain('(deploy.zh-CN.md)');
    expect(chinese).toContain('(deploy.md)');
    expect(read('../README.md')).toContain('(docs/deploy.zh-CN.md)');
  });
});
