/** Assembles the report's cost section from the measured scenarios and sessions. */

import { SCAN_MEMORY_MB } from '../baselines/scan-chat/routes';
import { handlerMemoryMb } from '../cold-start/bundle';
import type { BenchReport, PerThousandEntry } from '../report/report-types';
import type { ScenarioResult } from '../workloads/latency';
import type { SessionWork } from '../workloads/session-work';
import {
  CAMPUS_PROFILE,
  type CostLines,
  fitLine,
  invocationCost,
  perThousandMessages,
  sumLines,
  userMonth,
} from './cost-model';

const LINES: readonly (keyof CostLines)[] = ['apiGatewayMessages', 'lambda', 'dynamoDb', 'storage'];

export function costSection(
  latency: readonly ScenarioResult[],
  scaling: readonly ScenarioResult[],
  session: SessionWork,
  heartbeat: { ours: number; socketio: number },
): BenchReport['cost'] {
  const oursWork = latency.flatMap((s) => s.systems.filter((r) => r.system === 'ours' && r.work));
  const frameBytes = oursWork.map((r) =>
    r.work && r.work.posts > 0 ? r.work.postBytes / r.work.posts : 0,
  );
  // The stored message item holds the same fields as the message frame.
  const storedBytesPerMessage = frameBytes.length > 0 ? Math.max(...frameBytes) : 0;

  const perThousand: PerThousandEntry[] = [];
  for (const scenario of [...latency, ...scaling]) {
    for (const result of scenario.systems) {
      if (!result.work || (result.system !== 'ours' && result.system !== 'scan')) continue;
      const lines = perThousandMessages(
        result.work,
        result.system === 'ours' ? handlerMemoryMb('sendmessage') : SCAN_MEMORY_MB,
        result.system === 'ours' ? storedBytesPerMessage : 0,
      );
      perThousand.push({
        label: `room ${scenario.roomSize}, ${scenario.totalConnections} connections`,
        system: result.system,
        roomSize: scenario.roomSize,
        totalConnections: scenario.totalConnections,
        lines,
        total: LINES.reduce((s, k) => s + lines[k], 0),
      });
    }
  }

  // One send's cost as a line through the room sizes measured, at the profile's audience.
  const profile = CAMPUS_PROFILE;
  const oursByRoom = perThousand.filter(
    (p) => p.system === 'ours' && p.totalConnections === p.roomSize,
  );
  const send = Object.fromEntries(
    LINES.map((line) => {
      const { a, b } = fitLine(
        oursByRoom.map((p) => ({ x: p.roomSize - 1, y: p.lines[line] / 1000 })),
      );
      return [line, Math.max(0, a + b * profile.recipientsPerMessage)];
    }),
  ) as unknown as CostLines;

  const sessionCost = {
    connect: invocationCost(session.connect, handlerMemoryMb('connect'), {
      inboundMessages: 0,
      storedBytes: 0,
    }),
    disconnect: invocationCost(session.disconnect, handlerMemoryMb('disconnect'), {
      inboundMessages: 0,
      storedBytes: 0,
    }),
  };
  const lines = userMonth(profile, {
    send,
    ...sessionCost,
    heartbeatMessagesPerHour: heartbeat.ours,
  });
  const withSocketIo = userMonth(profile, {
    send,
    ...sessionCost,
    heartbeatMessagesPerHour: heartbeat.socketio,
  });
  return {
    perThousand,
    profile,
    storedBytesPerMessage,
    sendFit: { recipients: profile.recipientsPerMessage, lines: send },
    userMonth: lines,
    userMonthTotal: sumLines(lines),
    userMonthWithSocketIoHeartbeat: sumLines(withSocketIo),
  };
}
