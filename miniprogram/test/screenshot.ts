/**
 * Pictures of the pages for reviewers and the docs: the DOM miniprogram-simulate rendered (the
 * page's real WXML and data), styled with the built WXSS (rpx at a 375 px wide screen), under a
 * navigation bar with the title the page set, shot in Chromium at 375×667. It is not WeChat's
 * renderer (native components such as button and textarea are approximated), so the pictures
 * show words, layout and data, and the tests assert on data; saved in test-results/miniprogram/.
 */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findChromium, launchChromium } from '../../test/support/browser';
import type { BuiltMiniProgram, SimulatedPage } from './page-harness';

const OUT = join(new URL('../..', import.meta.url).pathname, 'test-results', 'miniprogram');

function wxssUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? wxssUnder(path) : path.endsWith('.wxss') ? [path] : [];
  });
}

/** WXSS as CSS for a 375 px wide screen (750 rpx). */
function css(app: BuiltMiniProgram): string {
  const files = [
    join(app.dir, 'app.wxss'),
    ...wxssUnder(join(app.dir, 'pages')),
    ...wxssUnder(join(app.dir, 'components')),
  ];
  return (
    files
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n')
      .replace(/(-?\d*\.?\d+)rpx/g, (_, n: string) => `${Number(n) / 2}px`)
      .replace(/(^|[\s,}])page(\s*[{,])/g, '$1body$2')
      // The page fills the screen under the navigation bar, not the whole window.
      .replace(/100vh/g, '100%')
  );
}

const BASE = `
  html, body { margin: 0; height: 100%; }
  .screen { display: flex; flex-direction: column; height: 100vh; }
  .screen > main { flex: 1; min-height: 0; overflow: hidden; }
  wx-view, wx-scroll-view, connection-banner, message-item { display: block; }
  wx-scroll-view { overflow: auto; }
  /* The simulated DOM drops the buttons' type and size: show them as WeChat's primary button,
     small where they sit beside other content. */
  wx-button { display: block; text-align: center; border-radius: 5px; padding: 10px 14px;
    background: #07c160; color: #fff; font-size: 17px; margin: 8px 0; }
  wx-button.send, wx-button.join, wx-button.leave, wx-button.create-button, .create wx-button {
    display: inline-block; padding: 4px 12px; font-size: 13px; margin: 0; }
  wx-button.leave { background: #f2f2f2; color: #1d2129; }
  wx-input, wx-textarea { display: block; min-height: 1.4em; color: #86909c; }
  .nav { height: 44px; display: flex; align-items: center; justify-content: center;
    background: #1f6f5c; color: #fff; font-size: 17px; font-weight: 600;
    font-family: -apple-system, 'PingFang SC', 'Noto Sans CJK SC', sans-serif; }
  .status { height: 20px; background: #1f6f5c; }
`;

/** Saves a picture of `page` as test-results/miniprogram/<name>.png (nothing without Chromium). */
export async function screenshotPage(
  app: BuiltMiniProgram,
  page: SimulatedPage,
  name: string,
): Promise<void> {
  const chromium = findChromium();
  if (!chromium) return;
  mkdirSync(OUT, { recursive: true });
  // Component prefixes (`main--card`) back to the class names the WXSS uses (`card`).
  const body = page.dom.outerHTML.replace(
    /class="([^"]*)"/g,
    (_, classes: string) => `class="${classes.replace(/(^|\s)[\w-]*?--/g, '$1')}"`,
  );
  // Inputs show their placeholder (or value) as text: jsdom renders none.
  const filled = body.replace(
    /<(wx-input|wx-textarea)([^>]*)>/g,
    (whole, tag: string, attrs: string) => {
      const text = /placeholder="([^"]*)"/.exec(attrs)?.[1] ?? '';
      return `<${tag}${attrs}>${text}`;
    },
  );
  const title = app.shim.titles[app.shim.titles.length - 1] ?? '';
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>${BASE}${css(app)}</style></head>
    <body><div class="screen"><div class="status"></div><div class="nav">${title.replace(/</g, '&lt;')}</div>${filled}</div></body></html>`;
  const browser = await launchChromium(chromium);
  try {
    const context = await browser.newContext({
      viewport: { width: 375, height: 667 },
      deviceScaleFactor: 2,
    });
    const shot = await context.newPage();
    await shot.setContent(html);
    await shot.screenshot({ path: join(OUT, `${name}.png`) });
  } finally {
    await browser.close();
  }
}
