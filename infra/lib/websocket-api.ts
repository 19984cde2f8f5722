/**
 * The WebSocket API, built from the route table (functions/routes.ts): one Lambda function per
 * Lambda route with exactly the table, secret and @connections access the route declares, the
 * MOCK route(s) answered by API Gateway itself, and one stage with auto-deploy, throttling and
 * access logs. Optionally a custom domain, which is what a WeChat mini-program needs.
 */
import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct, type IDependable } from 'constructs';
import type { RouteDefinition } from '../../functions/routes';
import { type AccessTargets, declaredEnvironment, grantDeclaredAccess } from './handler-access';
import { type ApiDomain, mapCustomDomain } from './custom-domain';
import { HandlerFunction } from './handler-function';
import { MockRoute } from './mock-route';
import {
  acknowledgeManageConnections,
  acknowledgeRouteWithoutAuthorizer,
} from './nag-suppressions';
import type { HandlerPlatform } from './handler-platform';
import type { ThrottleSettings } from './stack-config';

/**
 * The access log line: who, which route, what status, how long. It never includes the query
 * string (the session token travels there on $connect), headers, the body, or
 * `$context.requestOverride`; infra tests assert that.
 */
export const WEBSOCKET_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTimeEpoch: '$context.requestTimeEpoch',
  eventType: '$context.eventType',
  routeKey: '$context.routeKey',
  connectionId: '$context.connectionId',
  messageId: '$context.messageId',
  status: '$context.status',
  integrationStatus: '$context.integration.status',
  integrationLatency: '$context.integration.latency',
  error: '$context.error.message',
});

/**
 * The @connections endpoint template the handlers fill with each event's `{apiId}` and `{stage}`
 * (functions/adapters/connection-sender.ts). Built from the execute-api host rather than the
 * event's domainName because a custom domain does not serve @connections; the region and URL
 * suffix come from the deployment, so `amazonaws.com.cn` is used in the China regions.
 */
export const CONNECTIONS_ENDPOINT_TEMPLATE = `https://{apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/{stage}`;

export interface ChatWebSocketApiProps {
  /** The route table (functions/routes.ts ROUTES). */
  readonly routes: readonly RouteDefinition[];
  readonly routeSelectionExpression: string;
  /** Tables and secrets the routes' declarations refer to. */
  readonly targets: AccessTargets;
  /** Configuration every handler gets (LOG_LEVEL and the like). */
  readonly environment: Readonly<Record<string, string>>;
  readonly platform: HandlerPlatform;
  /** The API's name in the console and in CloudWatch (CDK would name it after the construct id). */
  readonly apiName: string;
  readonly stageName: string;
  readonly throttle: ThrottleSettings;
  readonly logRetention: logs.RetentionDays;
  /** What must exist before the stage may log (the account's API Gateway CloudWatch role). */
  readonly stageDependsOn: readonly IDependable[];
  readonly customDomain: ApiDomain | undefined;
  /**
   * The mini-program's appid, given to the handlers that call WeChat server APIs (those granted
   * the `WECHAT_SECRET`: functions/routes.ts WECHAT_API_ACCESS).
   */
  readonly wechatAppId?: string;
}

export class ChatWebSocketApi extends Construct {
  readonly api: apigwv2.WebSocketApi;
  readonly stage: apigwv2.WebSocketStage;
  /** Lambda functions by route key. */
  readonly functions: ReadonlyMap<string, HandlerFunction>;
  /** Mock routes by route key. */
  readonly mockRoutes: ReadonlyMap<string, MockRoute>;
  readonly accessLogs: logs.LogGroup;
  readonly domain: apigwv2.DomainName | undefined;
  /** The URL the mini-program connects to: the custom domain's when there is one. */
  readonly clientUrl: string;

  constructor(scope: Construct, id: string, props: ChatWebSocketApiProps) {
    super(scope, id);
    this.api = new apigwv2.WebSocketApi(this, 'Api', {
      apiName: props.apiName,
      description: 'campus-chat: WebSocket chat for the mini-program and the admin console',
      routeSelectionExpression: props.routeSelectionExpression,
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(WEBSOCKET_ACCESS_LOG_FORMAT),
      },
    });
    // Execution logs for errors only, and never data trace: with it, API Gateway would log the full
    // $connect request, query string (the session token) included. CDK's WebSocketStage has no
    // property for these, so they are set on the CloudFormation stage.
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.addPropertyOverride('DefaultRouteSettings.LoggingLevel', 'ERROR');
    cfnStage.addPropertyOverride('DefaultRouteSettings.DataTraceEnabled', false);
    for (const dependency of props.stageDependsOn) this.stage.node.addDependency(dependency);

    const functions = new Map<string, HandlerFunction>();
    const mockRoutes = new Map<string, MockRoute>();
    for (const route of props.routes) {
      const integration = route.integration;
      const name = route.routeKey.replace(/^\$/, '');
      if (integration.kind === 'mock') {
        const mock = new MockRoute(this, `${name}Route`, {
          api: this.api,
          routeKey: route.routeKey,
          response: integration.response,
        });
        acknowledgeRouteWithoutAuthorizer(mock.route, 'frameRouteAuth');
        mockRoutes.set(route.routeKey, mock);
        continue;
      }
      const fn = new HandlerFunction(this, `${name}Handler`, {
        handler: integration.handler,
        description: `campus-chat WebSocket route ${route.routeKey}`,
        memoryMb: integration.memoryMb,
        timeoutSeconds: integration.timeoutSeconds,
        logRetention: props.logRetention,
        platform: props.platform,
        environment: {
          ...props.environment,
          ...declaredEnvironment(integration, props.targets),
          ...(integration.manageConnections
            ? { CONNECTIONS_ENDPOINT: CONNECTIONS_ENDPOINT_TEMPLATE }
            : {}),
          ...(props.wechatAppId !== undefined && integration.secrets?.includes('WECHAT_SECRET')
            ? { WECHAT_APPID: props.wechatAppId }
            : {}),
        },
      });
      grantDeclaredAccess(fn, integration, props.targets);
      if (integration.manageConnections) {
        // Only this API's stage: `.../<apiId>/<stage>/*/@connections/*`.
        this.stage.grantManagementApiAccess(fn.function);
        acknowledgeManageConnections(fn, this.api, props.stageName);
      }
      const created = this.api.addRoute(route.routeKey, {
        integration: new WebSocketLambdaIntegration(`${name}Integration`, fn.function),
      });
      acknowledgeRouteWithoutAuthorizer(
        created,
        route.routeKey === '$connect' ? 'connectRouteAuth' : 'frameRouteAuth',
      );
      functions.set(route.routeKey, fn);
    }
    this.functions = functions;
    this.mockRoutes = mockRoutes;

    if (props.customDomain) {
      this.domain = mapCustomDomain(this, props.customDomain, this.api, this.stage);
      this.clientUrl = `wss://${props.customDomain.domainName}`;
    } else {
      this.domain = undefined;
      this.clientUrl = this.stage.url;
    }
  }
}
