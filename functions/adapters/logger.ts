/**
 * The structured JSON logger (Powertools for AWS Lambda) behind the domain's Log port. Events are
 * never logged whole: a $connect event carries the session token in its query string.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Log } from '../domain/ports';

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL'] as const;
type Level = (typeof LEVELS)[number];

function levelFrom(value: string | undefined): Level {
  const upper = value?.toUpperCase();
  return LEVELS.find((level) => level === upper) ?? 'INFO';
}

/** A logger for a service; its level comes from LOG_LEVEL of `env` (default INFO). */
export function createLogger(
  serviceName = 'campus-chat',
  env: NodeJS.ProcessEnv = process.env,
): Log {
  const logger = new Logger({ serviceName, logLevel: levelFrom(env.LOG_LEVEL) });
  return {
    debug: (message, extra) => logger.debug(message, extra ?? {}),
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}
