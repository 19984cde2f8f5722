/**
 * The side-by-side phases: latency by room size (all three systems, nothing else connected), and
 * latency and DynamoDB work while total connections grow with the room size fixed (ours and the
 * Scan baseline, the extra clients in a connection-pool process).
 */

import { openOursRoom } from '../clients/ours-room';
import type { RoomHandle } from '../clients/room';
import { openScanRoom } from '../clients/scan-room';
import { openSocketIoRoom } from '../clients/socketio-room';
import { BenchChild } from '../ipc';
import type { BenchSizes } from '../options';
import type { StackHandle } from '../stack/stack-handle';
import { type MeasuredSystem, measureScenario, type ScenarioResult } from '../workloads/latency';

export interface Servers {
  readonly ours: StackHandle;
  readonly scan: StackHandle;
  readonly socketIoUrl: string;
  readonly admin: string;
}

async function closeAll(rooms: readonly RoomHandle[], servers: Servers): Promise<void> {
  await Promise.all(rooms.map((r) => r.close()));
  // Let the $disconnect invocations finish before anything else is measured.
  await new Promise((resolve) => setTimeout(resolve, 200));
  await Promise.all([servers.ours.settle(), servers.scan.settle()]);
}

/** Unmeasured sends on every system, so that what is measured runs JIT-compiled code. */
export async function warmUp(
  servers: Servers,
  sends: number,
  log: (line: string) => void,
): Promise<void> {
  log(`warm-up: ${sends} unmeasured sends per system`);
  const rooms = [
    await openOursRoom(servers.ours.info, { tag: 'warmup', size: 2, admin: servers.admin }),
    await openSocketIoRoom(servers.socketIoUrl, { tag: 'warmup', size: 2 }),
    await openScanRoom(servers.scan.info.websocket, { tag: 'warmup', size: 2 }),
  ];
  for (let i = 0; i < sends; i++) {
    for (const room of rooms) await room.send(i).catch(() => undefined);
  }
  await closeAll(rooms, servers);
}

/** Latency of every system for each room size. */
export async function latencyByRoomSize(
  servers: Servers,
  sizes: BenchSizes,
  log: (line: string) => void,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const size of sizes.roomSizes) {
    log(`latency: room of ${size}: connecting`);
    const tag = `r${size}`;
    const ours = await openOursRoom(servers.ours.info, { tag, size, admin: servers.admin });
    const socketio = await openSocketIoRoom(servers.socketIoUrl, { tag, size });
    const scan = await openScanRoom(servers.scan.info.websocket, { tag, size });
    const systems: MeasuredSystem[] = [
      { room: ours, stack: servers.ours },
      { room: socketio },
      { room: scan, stack: servers.scan },
    ];
    log(`latency: room of ${size}: measuring`);
    results.push(await measureScenario(systems, sizes, { roomSize: size, totalConnections: size }));
    await closeAll([ours, socketio, scan], servers);
  }
  return results;
}

/** Background connections closed at once at the end (as many as the 500-member room closes). */
const CLOSE_WAVE = 500;

/** Ours and the Scan baseline with a fixed room while total connections grow. */
export async function scalingWithConnections(
  servers: Servers,
  sizes: BenchSizes,
  userPrefix: string,
  log: (line: string) => void,
): Promise<ScenarioResult[]> {
  const poolUrl = new URL('../clients/pool-process.ts', import.meta.url);
  const oursPool = await BenchChild.start(poolUrl);
  const scanPool = await BenchChild.start(poolUrl);
  const results: ScenarioResult[] = [];
  let background = 0;
  try {
    for (const total of sizes.totalConnections) {
      const target = total - sizes.scalingRoomSize;
      log(`scaling: ${total} connections: connecting ${target - background} more per system`);
      await oursPool.call('connectOurs', {
        login: servers.ours.info.login,
        websocket: servers.ours.info.websocket,
        prefix: `${userPrefix}bg`,
        from: background,
        to: target,
      });
      await scanPool.call('connectScan', {
        websocket: servers.scan.info.websocket,
        count: target - background,
      });
      background = target;
      const tag = `s${total}`;
      const size = sizes.scalingRoomSize;
      const ours = await openOursRoom(servers.ours.info, { tag, size, admin: servers.admin });
      const scan = await openScanRoom(servers.scan.info.websocket, { tag, size });
      log(`scaling: ${total} connections: measuring`);
      results.push(
        await measureScenario(
          [
            { room: ours, stack: servers.ours },
            { room: scan, stack: servers.scan },
          ],
          { ...sizes, samples: sizes.scalingSamples },
          { roomSize: size, totalConnections: total },
        ),
      );
      await closeAll([ours, scan], servers);
    }
  } finally {
    for (const [pool, stack] of [
      [oursPool, servers.ours],
      [scanPool, servers.scan],
    ] as const) {
      while ((await pool.call<number>('closeSome', CLOSE_WAVE)) > 0) await stack.settle();
    }
    for (const [system, pool] of [
      ['ours', oursPool],
      ['Scan baseline', scanPool],
    ] as const) {
      const stats = await pool.call<{ throttledHandshakes: number }>('stats');
      if (stats.throttledHandshakes > 0) {
        log(
          `scaling: ${system}: ${stats.throttledHandshakes} handshakes refused with 429, retried`,
        );
      }
    }
    await Promise.all([oursPool.stop(), scanPool.stop()]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await Promise.all([servers.ours.settle(), servers.scan.settle()]);
  }
  return results;
}
