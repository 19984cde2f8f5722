/**
 * No user-facing text outside the message catalog (client/i18n): scans the mini-program's WXML
 * and page JSON, the TypeScript of both apps and client/display.ts, and the console's
 * index.html, and fails on literal words a user could see. Text belongs in messages-zh.ts (and
 * its English translation) and reaches the screen through `t(id)`.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { en } from '../client/i18n/messages-en';
import { zh } from '../client/i18n/messages-zh';

const ROOT = new URL('..', import.meta.url).pathname;
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const LETTERS = /\p{L}{2,}/u;
/** Literals that are data, not words: a user id the login hint names. */
const ALLOWED = new Set(['admin']);

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory())
      return name === 'node_modules' ? [] : filesUnder(path, suffix);
    return path.endsWith(suffix) && !path.endsWith('.test.ts') ? [path] : [];
  });
}

const catalogTexts = new Set<string>(
  [...Object.values(zh), ...Object.values(en)].flatMap((m) =>
    typeof m === 'string' ? [m] : [m.one, m.other],
  ),
);

/** What is left of a WXML text or attribute once every {{expression}} is taken out. */
function literalPart(text: string): string {
  return text.replace(/\{\{[\s\S]*?\}\}/g, '').trim();
}

/** User-facing WXML: text between tags and the attributes a user sees or hears. */
function wxmlProblems(source: string): string[] {
  const code = source.replace(/<!--[\s\S]*?-->/g, '');
  const problems: string[] = [];
  for (const match of code.matchAll(/>([^<]+)</g)) {
    const text = literalPart(match[1] ?? '');
    if (LETTERS.test(text) || CJK.test(text)) problems.push(`text "${text}"`);
  }
  for (const match of code.matchAll(/\s(placeholder|aria-label|title|alt)="([^"]*)"/g)) {
    const text = literalPart(match[2] ?? '');
    if (text !== '') problems.push(`${match[1]}="${text}"`);
  }
  return problems;
}

/** Calls whose string arguments reach the user. */
const SHOWN_BY = new Set(['toast', 'confirm', 'setTitle', 'showNotice', 'notice', 'setText']);
/** Attributes of h() a user sees or hears. */
const SHOWN_ATTRIBUTES = new Set(['placeholder', 'aria-label', 'title', 'alt', 'label']);

function calleeName(call: ts.CallExpression): string {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return '';
}

/** Literal texts of a TS file a user could see. */
function typescriptProblems(path: string): string[] {
  const source = ts.createSourceFile(
    path,
    readFileSync(path, 'utf8'),
    ts.ScriptTarget.ES2022,
    true,
  );
  const problems: string[] = [];
  const report = (node: ts.Node, text: string) => {
    if (!ALLOWED.has(text.trim())) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart());
      problems.push(`${line + 1}: "${text}"`);
    }
  };
  const shown = (node: ts.Node): boolean => {
    const parent = node.parent;
    if (ts.isCallExpression(parent)) {
      const name = calleeName(parent);
      const index = parent.arguments.indexOf(node as ts.Expression);
      if (name === 'h') return index >= 2;
      // showNotice(cause, text): the cause is a key.
      if (name === 'showNotice') return index >= 1;
      return SHOWN_BY.has(name);
    }
    if (ts.isPropertyAssignment(parent) && parent.initializer === node) {
      const key = parent.name.getText(source).replace(/['"]/g, '');
      return SHOWN_ATTRIBUTES.has(key);
    }
    return false;
  };
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const text = node.text;
      // A message id is the catalog's, not a text.
      if (Object.hasOwn(zh, text)) return;
      const inError =
        ts.isNewExpression(node.parent) ||
        ts.isImportDeclaration(node.parent) ||
        ts.isExportDeclaration(node.parent);
      const sentence = /\p{L}\s+\p{L}/u.test(text) && /[A-Z]|[.…?!:]$/.test(text);
      if (!inError && (CJK.test(text) || sentence || (shown(node) && LETTERS.test(text)))) {
        report(node, text);
      }
    } else if (ts.isTemplateExpression(node)) {
      const parts = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
      if (CJK.test(parts) || (shown(node) && LETTERS.test(parts))) report(node, parts);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

function scan(paths: string[], check: (path: string) => string[]): string[] {
  return paths.flatMap((path) => check(path).map((p) => `${relative(ROOT, path)} ${p}`));
}

describe('user-facing text lives in the catalog', () => {
  it('WXML shows only bound data', () => {
    const wxml = filesUnder(join(ROOT, 'miniprogram', 'src'), '.wxml');
    expect(wxml.length).toBeGreaterThan(5);
    expect(scan(wxml, (p) => wxmlProblems(readFileSync(p, 'utf8')))).toEqual([]);
  });

  it('page titles in JSON are catalog texts (the pages set them again in the user’s language)', () => {
    const json = filesUnder(join(ROOT, 'miniprogram', 'src'), '.json');
    const titles = json.flatMap((path) => {
      const title = JSON.parse(readFileSync(path, 'utf8')) as {
        navigationBarTitleText?: string;
        window?: { navigationBarTitleText?: string };
      };
      const text = title.navigationBarTitleText ?? title.window?.navigationBarTitleText;
      return text === undefined ? [] : [[relative(ROOT, path), text]];
    });
    expect(titles.length).toBeGreaterThan(3);
    for (const [path, text] of titles)
      expect([path, catalogTexts.has(text as string)]).toEqual([path, true]);
  });

  it('TypeScript of both apps and client/display.ts has no literal words', () => {
    const files = [
      ...filesUnder(join(ROOT, 'console', 'src'), '.ts'),
      ...filesUnder(join(ROOT, 'miniprogram', 'src'), '.ts'),
      join(ROOT, 'client', 'display.ts'),
    ];
    expect(scan(files, typescriptProblems)).toEqual([]);
  });

  it('the console page shell holds only catalog texts', () => {
    const html = readFileSync(join(ROOT, 'console', 'index.html'), 'utf8').replace(
      /<!--[\s\S]*?-->/g,
      '',
    );
    const texts = [...html.matchAll(/>([^<]+)</g)]
      .map((m) => (m[1] ?? '').trim())
      .filter((t) => t !== '');
    let rest = texts.join(' ');
    // Longest first, so a text that contains another is taken out whole.
    for (const text of [...catalogTexts].sort((a, b) => b.length - a.length))
      rest = rest.split(text).join(' ');
    expect(rest.trim()).toBe('');
    expect(texts.length).toBeGreaterThan(1);
  });

  it('catches what it is for (the checks are not vacuous)', () => {
    expect(wxmlProblems('<view>Send</view><input placeholder="Message" />')).toHaveLength(2);
    expect(wxmlProblems('<view>{{t.send}}</view><!-- 注释 -->')).toEqual([]);
    const sample = join(mkdtempSync(join(tmpdir(), 'catalog-scan-')), 'sample.ts');
    writeFileSync(
      sample,
      "h('button', { class: 'send' }, 'Send');\ntoast('加载失败');\nsetText(el, tr.t('chat.none'));\n",
    );
    expect(typescriptProblems(sample)).toEqual(['1: "Send"', '2: "加载失败"']);
  });
});
