/**
 * `npm start` as a newcomer runs it: the real entry point in a child process, with its own
 * DynamoDB Local persisting under a data directory, and the browser console built and served. Ctrl-C (SIGINT) must stop everything it
 * started, and history must survive a restart.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../local/free-port';
import { ChatTestClient, type Frame } from './support/chat-client';

const root = new URL('..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'campus-chat-start-'));
const started: ChildProcess[] = [];

afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function npmStart(port: number): Promise<{ child: ChildProcess; output: () => string }> {
  // As package.json's start script runs it: one node process (no tsx CLI relaying signals).
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, ADMINS: 'admin' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 60_000;
  while (!output.includes('ready:')) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`npm start failed:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output };
}

/** Every process below `pid`. */
function descendants(pid: number): number[] {
  let children: number[];
  try {
    children = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
  return children.flatMap((child) => [child, ...descendants(child)]);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  child.kill('SIGINT');
  return exited;
}

async function chatClient(port: number, name: string): Promise<ChatTestClient> {
  const response = await fetch(`http://127.0.0.1:${port}/login`, {
    method: 'POST',
    body: JSON.stringify({ code: `dev-${name}` }),
  });
  const { token } = (await response.json()) as { token: string };
  return ChatTestClient.connect(`ws://127.0.0.1:${port}/local?token=${token}`);
}

describe('npm start', () => {
  it('prints its URLs, stops everything on Ctrl-C, and keeps history across a restart', async () => {
    // Prepare
    const port = await freePort();
    const first = await npmStart(port);
    const tree = descendants(first.child.pid as number);
    const java = tree.filter((pid) => {
      try {
        return execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], {
          encoding: 'utf8',
        }).includes('java');
      } catch {
        return false;
      }
    });

    // Act
    const page = await fetch(`http://127.0.0.1:${port}/`);
    const html = await page.text();
    const alice = await chatClient(port, 'alice');
    const ack = await alice.request({
      action: 'sendmessage',
      conversationId: 'support:alice',
      text: 'remember me',
    });
    await alice.close();
    const exitCode = await stop(first.child);
    const second = await npmStart(port);
    const admin = await chatClient(port, 'admin');
    const history = await admin.request({ action: 'sync', conversationId: 'support:alice' });
    await admin.close();
    await stop(second.child);

    // Assess
    expect(first.output()).toContain(`ws://127.0.0.1:${port}/local`);
    expect(first.output()).toMatch(
      /Browser console http:\/\/127\.0\.0\.1:\d+\/ +\(page \d+\.\d KB gzipped/,
    );
    expect(page.status).toBe(200);
    expect(html).toContain('<html lang="zh-CN">');
    expect(java).toHaveLength(1);
    expect(exitCode).toBe(0);
    expect(tree.filter(alive)).toEqual([]);
    // npm start runs with the desk's hours on: with no admin online, the desk's automatic reply may
    // follow alice's message (the notifier is asynchronous); what she sent must be there, once.
    const own = (history.messages as Frame[]).filter((m) => m.kind !== 'auto');
    expect(own).toEqual([ack.message]);
  }, 150_000);

  it('refuses a setting that cannot work, before starting anything', () => {
    // Act: an idle timeout of 0 would close every connection at once.
    let failure: { status: number | null; stderr: string } | undefined;
    try {
      execFileSync(join(root, 'node_modules/.bin/tsx'), ['local/start.ts'], {
        cwd: root,
        env: { ...process.env, PORT: '0', DATA_DIR: dataDir, IDLE_TIMEOUT_MS: '0' },
        encoding: 'utf8',
        stdio: 'pipe',
        timeout: 30_000,
      });
    } catch (error) {
      failure = error as { status: number | null; stderr: string };
    }

    // Assess
    expect(failure?.status).toBe(2);
    expect(failure?.stderr).toContain('IDLE_TIMEOUT_MS must be a whole number above 0, got "0"');
  }, 40_000);
});
