/**
 * The stream consumers, from functions/event-sources.ts (never a second copy): per entry one
 * function (as for routes: its own role, logs, exactly the declared access) and one DynamoDB
 * event-source mapping on the table's stream with the declared filter criteria, batching,
 * ReportBatchItemFailures, bisect-on-error, bounded retries and record age, and an SQS on-failure
 * destination (encrypted, TLS only, kept 14 days) that the stack alarms on.
 */
import { Aws, Duration } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StreamEventSource } from '../../functions/event-sources';
import { tableDefinition } from '../../functions/tables';
import { type AccessTargets, declaredEnvironment, grantDeclaredAccess } from './handler-access';
import { HandlerFunction } from './handler-function';
import type { HandlerPlatform } from './handler-platform';
import {
  acknowledgeDeadLetterQueue,
  acknowledgeListStreams,
  acknowledgeManageConnections,
} from './nag-suppressions';

export interface StreamConsumersProps {
  /** The event sources (functions/event-sources.ts EVENT_SOURCES). */
  readonly sources: readonly StreamEventSource[];
  readonly targets: AccessTargets;
  /** Configuration every handler gets (tuning knobs, log level) plus the stack's wiring. */
  readonly environment: Readonly<Record<string, string>>;
  readonly platform: HandlerPlatform;
  readonly logRetention: logs.RetentionDays;
  /** The WebSocket API a consumer that declares `manageConnections` posts to. */
  readonly webSocket?: {
    readonly api: apigwv2.WebSocketApi;
    readonly stage: apigwv2.WebSocketStage;
  };
}

export class StreamConsumers extends Construct {
  /** By event source id. */
  readonly functions = new Map<string, HandlerFunction>();
  /** The on-failure destination of each mapping, by event source id. */
  readonly deadLetterQueues = new Map<string, sqs.Queue>();

  constructor(scope: Construct, id: string, props: StreamConsumersProps) {
    super(scope, id);
    const { webSocket } = props;
    for (const source of props.sources) {
      if (source.manageConnections && !webSocket)
        throw new Error(`event source ${source.id} posts to connections: give webSocket`);
      const definition = tableDefinition(source.table);
      if (!definition.stream)
        throw new Error(`event source ${source.id}: table ${source.table} declares no stream`);
      const fn = new HandlerFunction(this, `${source.id}Handler`, {
        handler: source.handler,
        description: `campus-chat stream consumer ${source.id} (${source.table} stream)`,
        memoryMb: source.memoryMb,
        timeoutSeconds: source.timeoutSeconds,
        logRetention: props.logRetention,
        platform: props.platform,
        environment: {
          ...props.environment,
          ...declaredEnvironment(source, props.targets),
          ...(source.manageConnections ? { CONNECTIONS_API_URL: connectionsUrl(webSocket) } : {}),
        },
      });
      grantDeclaredAccess(fn, source, props.targets);
      if (source.manageConnections && webSocket) {
        // Only this API's stage: `.../<apiId>/<stage>/*/@connections/*`.
        webSocket.stage.grantManagementApiAccess(fn.function);
        acknowledgeManageConnections(fn, webSocket.api, webSocket.stage.stageName);
      }

      const deadLetters = new sqs.Queue(this, `${source.id}DeadLetters`, {
        encryption: sqs.QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      acknowledgeDeadLetterQueue(deadLetters);

      const table: ITable = props.targets.tables[source.table];
      fn.function.addEventSource(
        new DynamoEventSource(table, {
          startingPosition:
            source.startingPosition === 'LATEST'
              ? lambda.StartingPosition.LATEST
              : lambda.StartingPosition.TRIM_HORIZON,
          batchSize: source.batchSize,
          maxBatchingWindow: Duration.seconds(source.maxBatchingWindowSeconds),
          retryAttempts: source.retryAttempts,
          maxRecordAge: Duration.seconds(source.maxRecordAgeSeconds),
          bisectBatchOnError: source.bisectBatchOnError,
          reportBatchItemFailures: source.reportBatchItemFailures,
          onFailure: new SqsDlq(deadLetters),
          // The patterns as declared; Lambda takes each as a JSON string.
          filters: source.filters.map((pattern) => ({ pattern: JSON.stringify(pattern) })),
        }),
      );
      acknowledgeListStreams(fn);
      this.functions.set(source.id, fn);
      this.deadLetterQueues.set(source.id, deadLetters);
    }
  }
}

/**
 * The execute-api host of the stage, never a custom domain (which does not serve @connections):
 * a concrete URL, since a stream consumer has no WebSocket event to fill a template from.
 */
function connectionsUrl(webSocket: StreamConsumersProps['webSocket']): string {
  if (!webSocket) throw new Error('no WebSocket API for CONNECTIONS_API_URL');
  return `https://${webSocket.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${webSocket.stage.stageName}`;
}
