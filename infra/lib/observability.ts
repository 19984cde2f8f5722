/**
 * What an operator watches: alarms on handler errors and throttles (HANDLERS_PER_ALARM functions
 * an alarm), DynamoDB throttling and server-side errors on both APIs, all notifying one SNS topic;
 * and a small dashboard with connections, messages, errors and p99 handler duration per function.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

const PERIOD = Duration.minutes(5);

/**
 * Handler functions one errors (or throttles) alarm watches: an alarm's metric math may reference
 * at most 10 metrics, a hard limit
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/alarm-limits.html).
 */
export const HANDLERS_PER_ALARM = 10;

export interface ObservabilityProps {
  /** Handler functions by a short name (route key or `login`). */
  readonly functions: ReadonlyMap<string, IFunction>;
  /** Tables by id. */
  readonly tables: Readonly<Record<string, ITable>>;
  readonly webSocketApiId: string;
  readonly webSocketStage: string;
  /** The WebSocket stage's access log (JSON lines with `status`; websocket-api.ts). */
  readonly webSocketAccessLogs: logs.ILogGroup;
  readonly loginApiId: string;
  /** Subscribed to the alarm topic when set. */
  readonly alarmEmail: string | undefined;
  /** Dead-letter queues by a short name: any message in one is a record nobody handled. */
  readonly deadLetterQueues?: ReadonlyMap<string, sqs.IQueue>;
}

function safeId(name: string): string {
  return name.replace(/[^A-Za-z0-9]/g, '');
}

export class Observability extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'campus-chat alarms',
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    const action = new SnsAction(this.alarmTopic);
    const alarm = (
      alarmId: string,
      metric: cloudwatch.IMetric,
      description: string,
      threshold = 1,
    ) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(action);
      created.addOkAction(action);
      this.alarms.push(created);
    };

    // Errors and throttles of the handlers, HANDLERS_PER_ALARM functions an alarm: one alarm per
    // function would be two CloudFormation resources per route, and the stack must stay under
    // CloudFormation's 500 resources as routes are added. The alarm names its functions; the
    // dashboard's per-function graphs tell which one it was.
    const handlers = [...props.functions];
    for (let i = 0; i < handlers.length; i += HANDLERS_PER_ALARM) {
      const group = handlers.slice(i, i + HANDLERS_PER_ALARM);
      const names = group.map(([name]) => name).join(', ');
      const sum = (metric: (fn: IFunction) => cloudwatch.IMetric, label: string) =>
        new cloudwatch.MathExpression({
          expression: group.map((_, j) => `m${j}`).join(' + '),
          usingMetrics: Object.fromEntries(group.map(([, fn], j) => [`m${j}`, metric(fn)])),
          period: PERIOD,
          label,
        });
      const groupId = `Handlers${i / HANDLERS_PER_ALARM + 1}`;
      // Frame handlers answer client mistakes with error frames, so an Errors datapoint is an
      // unhandled exception or a timeout: worth a look every time.
      alarm(
        `${groupId}Errors`,
        sum((fn) => fn.metricErrors({ period: PERIOD, statistic: 'Sum' }), 'handler errors'),
        `campus-chat handlers ${names}: unhandled errors or timeouts`,
      );
      alarm(
        `${groupId}Throttles`,
        sum((fn) => fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }), 'handler throttles'),
        `campus-chat handlers ${names}: invocations throttled (account concurrency exhausted?)`,
      );
    }

    for (const [name, table] of Object.entries(props.tables)) {
      alarm(
        `${safeId(name)}Throttling`,
        new cloudwatch.MathExpression({
          expression: 'reads + writes',
          usingMetrics: {
            reads: table.metric('ReadThrottleEvents', { period: PERIOD, statistic: 'Sum' }),
            writes: table.metric('WriteThrottleEvents', { period: PERIOD, statistic: 'Sum' }),
          },
          period: PERIOD,
          label: `${name} throttle events`,
        }),
        `campus-chat table ${name}: requests throttled`,
      );
    }

    for (const [name, queue] of props.deadLetterQueues ?? []) {
      alarm(
        `${safeId(name)}DeadLetters`,
        queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
        `campus-chat ${name}: stream records failed every retry (see the queue for the batches)`,
      );
    }

    const webSocketMetric = (metricName: string, statistic = 'Sum') =>
      new cloudwatch.Metric({
        namespace: 'AWS/ApiGateway',
        metricName,
        dimensionsMap: { ApiId: props.webSocketApiId, Stage: props.webSocketStage },
        period: PERIOD,
        statistic,
      });
    // WebSocket APIs have no 5XXError metric. IntegrationError counts every 4xx/5xx the
    // integration answers, and $connect answers 401/403 for every expired or forged token, so it
    // measures clients, not faults. What is a server fault: ExecutionError (API Gateway could not
    // call the integration) and responses with a 5xx status, counted from the access log.
    const fiveHundreds = new logs.MetricFilter(this, 'WebSocket5xx', {
      logGroup: props.webSocketAccessLogs,
      filterPattern: logs.FilterPattern.stringValue('$.status', '=', '5*'),
      metricNamespace: `CampusChat/${Stack.of(this).stackName}`,
      metricName: 'WebSocket5xx',
      metricValue: '1',
    });
    alarm(
      'WebSocketServerErrors',
      new cloudwatch.MathExpression({
        expression: 'execution + fivehundreds',
        usingMetrics: {
          execution: webSocketMetric('ExecutionError'),
          fivehundreds: fiveHundreds.metric({ period: PERIOD, statistic: 'Sum' }),
        },
        period: PERIOD,
        label: 'WebSocket server-side errors',
      }),
      'campus-chat WebSocket API: execution errors and 5xx responses (not 4xx refusals)',
      5,
    );
    const login5xx = new cloudwatch.Metric({
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensionsMap: { ApiId: props.loginApiId, Stage: '$default' },
      period: PERIOD,
      statistic: 'Sum',
    });
    alarm('LoginServerErrors', login5xx, 'campus-chat login API: 5xx responses', 5);

    const functions = [...props.functions];
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Connections opened',
            left: [webSocketMetric('ConnectCount')],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'WebSocket messages (in and out)',
            left: [webSocketMetric('MessageCount')],
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'API errors',
            left: [
              webSocketMetric('ClientError'),
              webSocketMetric('IntegrationError'),
              webSocketMetric('ExecutionError'),
              login5xx,
            ],
            width: 8,
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Handler errors',
            left: functions.map(([name, fn]) =>
              fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: name }),
            ),
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Handler duration p99 (ms)',
            left: functions.map(([name, fn]) =>
              fn.metricDuration({ period: PERIOD, statistic: 'p99', label: name }),
            ),
            width: 12,
          }),
        ],
      ],
    });
  }
}
