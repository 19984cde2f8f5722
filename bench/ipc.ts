/**
 * Request/response over the IPC channel of a forked bench process: the parent calls named
 * commands, the child serves them. Each bench server (stack, socket.io, connection pool) runs in
 * its own process so its CPU time, profile and file descriptors are its own.
 */
import { type ChildProcess, fork } from 'node:child_process';

type Handler = (args: never) => unknown;
type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

/** In a child: answers the parent's calls with `handlers`; exits when the parent goes away. */
export function serve(handlers: Record<string, Handler>): void {
  const send = (reply: Reply | { ready: true }) => process.send?.(reply);
  process.on('message', (message: { id: number; cmd: string; args: unknown }) => {
    const handler = handlers[message.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${message.cmd}`);
        return handler(message.args as never);
      })
      .then(
        (result) => send({ id: message.id, ok: true, result }),
        (error: unknown) =>
          send({ id: message.id, ok: false, error: (error as Error)?.stack ?? String(error) }),
      );
  });
  process.on('disconnect', () => process.exit(0));
  send({ ready: true });
}

/** In the parent: a forked TypeScript module answering calls. */
export class BenchChild {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();

  private constructor(readonly process: ChildProcess) {
    process.on('message', (reply: Reply) => {
      const waiter = this.pending.get(reply.id);
      if (!waiter) return;
      this.pending.delete(reply.id);
      if (reply.ok) waiter.resolve(reply.result);
      else waiter.reject(new Error(reply.error));
    });
    process.on('exit', (code) => {
      for (const waiter of this.pending.values())
        waiter.reject(new Error(`child exited (${code})`));
      this.pending.clear();
    });
  }

  /** Forks `moduleUrl` (a .ts file run through tsx) and resolves once it serves. */
  static start(
    moduleUrl: URL,
    env: Record<string, string> = {},
    nodeOptions: readonly string[] = [],
  ): Promise<BenchChild> {
    const child = fork(moduleUrl, [], {
      execArgv: ['--import', 'tsx', ...nodeOptions],
      env: { ...process.env, ...env },
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`${moduleUrl} exited (${code})`));
      child.once('exit', onExit);
      child.once('message', () => {
        child.off('exit', onExit);
        resolve(new BenchChild(child));
      });
    });
  }

  get pid(): number {
    return this.process.pid ?? 0;
  }

  call<T>(cmd: string, args?: unknown): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.process.send({ id, cmd, args });
    });
  }

  /** Ends the child (its `disconnect` handler exits) and waits for it. */
  async stop(): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    this.process.disconnect();
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}
