/**
 * The cost model: measured work (messages, invocations × duration × memory, DynamoDB request
 * units, bytes stored) priced with the public prices in aws-prices.ts. Per 1,000 messages for each
 * measured scenario, and per campus-user-month for a stated usage profile.
 */
import type { WorkSummary } from '../metrics/dynamo-work';
import { MESSAGE_METERING_BYTES, PRICES } from './aws-prices';

/** What one measured operation (a send, a connect…) costs, in dollars, by line. */
export interface CostLines {
  readonly apiGatewayMessages: number;
  readonly lambda: number;
  readonly dynamoDb: number;
  readonly storage: number;
}

export function totalOf(lines: CostLines): number {
  return lines.apiGatewayMessages + lines.lambda + lines.dynamoDb + lines.storage;
}

function scale(lines: CostLines, factor: number): CostLines {
  return {
    apiGatewayMessages: lines.apiGatewayMessages * factor,
    lambda: lines.lambda * factor,
    dynamoDb: lines.dynamoDb * factor,
    storage: lines.storage * factor,
  };
}

function add(a: CostLines, b: CostLines): CostLines {
  return {
    apiGatewayMessages: a.apiGatewayMessages + b.apiGatewayMessages,
    lambda: a.lambda + b.lambda,
    dynamoDb: a.dynamoDb + b.dynamoDb,
    storage: a.storage + b.storage,
  };
}

/** Billed messages for a payload: API Gateway meters in 32 KB increments, at least one. */
export function meteredMessages(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / MESSAGE_METERING_BYTES));
}

/** Lambda cost of one invocation: the request plus duration (billed per started ms) × memory. */
export function lambdaInvocationUsd(durationMs: number, memoryMb: number): number {
  const gbSeconds = (Math.ceil(durationMs) / 1000) * (memoryMb / 1024);
  return PRICES.lambdaRequest.usd + gbSeconds * PRICES.lambdaGbSecondArm.usd;
}

/**
 * Cost of one invocation with the measured work: one inbound frame, its posts (the frames are far
 * below 32 KB, so each is one message — checked from the measured bytes), the invocation, the
 * DynamoDB request units billed, and `storedBytes` kept for a month.
 */
export function invocationCost(
  work: WorkSummary,
  memoryMb: number,
  options: { inboundMessages: number; storedBytes: number },
): CostLines {
  const bytesPerPost = work.posts > 0 ? work.postBytes / work.posts : 0;
  const outbound = work.posts * meteredMessages(bytesPerPost);
  return {
    apiGatewayMessages: (options.inboundMessages + outbound) * PRICES.apiGatewayMessage.usd,
    lambda: lambdaInvocationUsd(work.durationMs.mean, memoryMb),
    dynamoDb:
      work.readUnits * PRICES.dynamoReadRequestUnit.usd +
      work.writeUnits * PRICES.dynamoWriteRequestUnit.usd,
    storage: (options.storedBytes / 2 ** 30) * PRICES.dynamoStorageGbMonth.usd,
  };
}

/**
 * Cost of one notified message (issue 15, bench/notify-bench.ts): the notify invocation (256 MB,
 * functions/event-sources.ts) and its DynamoDB request units. The stream reads cost nothing:
 * GetRecords calls made by Lambda for an event-source mapping are free
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CostOptimization_StreamsUsage.html),
 * and records the filter criteria drop start no invocation. WeChat's subscribeMessage.send is free
 * within its daily quota.
 */
export function notificationCost(measured: {
  readonly invocationMs: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Notified messages per invocation (1 when replies come one at a time, as measured). */
  readonly messagesPerInvocation?: number;
}): CostLines {
  return {
    apiGatewayMessages: 0,
    lambda: lambdaInvocationUsd(measured.invocationMs, 256) / (measured.messagesPerInvocation ?? 1),
    dynamoDb:
      measured.readUnits * PRICES.dynamoReadRequestUnit.usd +
      measured.writeUnits * PRICES.dynamoWriteRequestUnit.usd,
    storage: 0,
  };
}

/** Cost lines of 1,000 sends of a measured scenario. */
export function perThousandMessages(
  work: WorkSummary,
  memoryMb: number,
  storedBytesPerMessage: number,
): CostLines {
  return scale(
    invocationCost(work, memoryMb, { inboundMessages: 1, storedBytes: storedBytesPerMessage }),
    1000,
  );
}

/** The usage the per-user figure assumes (stated in the report). */
export interface CampusProfile {
  readonly campusUsers: number;
  readonly daysPerMonth: number;
  readonly connectedHoursPerDay: number;
  readonly sessionsPerDay: number;
  readonly messagesPerDay: number;
  /** Open connections each message is delivered to (desk admins or room members online). */
  readonly recipientsPerMessage: number;
  readonly admins: number;
  readonly adminHoursPerDay: number;
}

export const CAMPUS_PROFILE: CampusProfile = {
  campusUsers: 5000,
  daysPerMonth: 30,
  connectedHoursPerDay: 2,
  sessionsPerDay: 4,
  messagesPerDay: 20,
  recipientsPerMessage: 10,
  admins: 10,
  adminHoursPerDay: 8,
};

/** A straight line through measured points (least squares), to price a send at any audience. */
export function fitLine(points: readonly { x: number; y: number }[]): { a: number; b: number } {
  const n = points.length;
  if (n === 0) return { a: 0, b: 0 };
  if (n === 1) return { a: points[0]?.y ?? 0, b: 0 };
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const b = sxx === 0 ? 0 : points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / sxx;
  return { a: my - b * mx, b };
}

export interface UserMonthLine {
  readonly item: string;
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface UserMonthInputs {
  /** Cost lines of one send reaching `recipientsPerMessage` (from the fitted scenarios). */
  readonly send: CostLines;
  /** Cost lines of one $connect and one $disconnect. */
  readonly connect: CostLines;
  readonly disconnect: CostLines;
  /** Billed messages per idle connection-hour of the heartbeat policy. */
  readonly heartbeatMessagesPerHour: number;
}

/**
 * One campus user's month: their connection time, heartbeats while idle (upper bound: all
 * connected time counted as idle), their sends, their sessions, and their share of the desk
 * admins' connections and heartbeats.
 */
export function userMonth(profile: CampusProfile, inputs: UserMonthInputs): UserMonthLine[] {
  const days = profile.daysPerMonth;
  const connectionMinutes = profile.connectedHoursPerDay * 60 * days;
  const heartbeats = profile.connectedHoursPerDay * days * inputs.heartbeatMessagesPerHour;
  const sends = profile.messagesPerDay * days;
  const sessions = profile.sessionsPerDay * days;
  const adminShare = profile.admins / profile.campusUsers;
  const adminMinutes = profile.adminHoursPerDay * 60 * days * adminShare;
  const adminHeartbeats =
    profile.adminHoursPerDay * days * inputs.heartbeatMessagesPerHour * adminShare;
  const session = add(inputs.connect, inputs.disconnect);
  return [
    {
      item: 'API Gateway connection-minutes',
      quantity: connectionMinutes,
      unit: 'minutes',
      usd: connectionMinutes * PRICES.apiGatewayConnectionMinute.usd,
    },
    {
      item: 'Heartbeat messages (ping + pong while idle)',
      quantity: heartbeats,
      unit: 'messages',
      usd: heartbeats * PRICES.apiGatewayMessage.usd,
    },
    {
      item: 'Sends: API Gateway messages (frame in, ack and deliveries out)',
      quantity: sends,
      unit: 'sends',
      usd: sends * inputs.send.apiGatewayMessages,
    },
    {
      item: 'Sends: Lambda',
      quantity: sends,
      unit: 'invocations',
      usd: sends * inputs.send.lambda,
    },
    {
      item: 'Sends: DynamoDB request units',
      quantity: sends,
      unit: 'sends',
      usd: sends * inputs.send.dynamoDb,
    },
    {
      item: 'Sends: DynamoDB storage (one month)',
      quantity: sends,
      unit: 'messages',
      usd: sends * inputs.send.storage,
    },
    {
      item: 'Sessions: $connect + $disconnect (Lambda, DynamoDB, messages)',
      quantity: sessions,
      unit: 'sessions',
      usd: sessions * totalOf(session),
    },
    {
      item: `Share of ${profile.admins} desk admins online ${profile.adminHoursPerDay} h/day (minutes + heartbeats)`,
      quantity: adminShare,
      unit: 'admin-months',
      usd:
        adminMinutes * PRICES.apiGatewayConnectionMinute.usd +
        adminHeartbeats * PRICES.apiGatewayMessage.usd,
    },
  ];
}

export function sumLines(lines: readonly UserMonthLine[]): number {
  return lines.reduce((s, l) => s + l.usd, 0);
}

export { add as addCostLines, scale as scaleCostLines };
