/**
 * Login: an HTTP API with the routes of functions/routes.ts HTTP_ROUTES — POST /login (answered by
 * functions/handlers/login.ts) and the scan-to-login routes POST /weblogin and
 * GET /weblogin/{ticket} — one function per route. The functions read the WeChat app secret and
 * the token signing key from Secrets Manager at run time and get the appid and the admin list from
 * SSM parameters resolved at deploy time. CORS is open only to the configured console origins.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { HttpRouteDefinition } from '../../functions/routes';
import { type AccessTargets, declaredEnvironment, grantDeclaredAccess } from './handler-access';
import { HandlerFunction } from './handler-function';
import { type ApiDomain, mapCustomDomain } from './custom-domain';
import { acknowledgeRouteWithoutAuthorizer } from './nag-suppressions';
import type { HandlerPlatform } from './handler-platform';
import type { ThrottleSettings } from './stack-config';

/** The login access log line. Never the body (it carries the wx.login code) or headers. */
export const LOGIN_ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  requestTimeEpoch: '$context.requestTimeEpoch',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationStatus: '$context.integrationStatus',
  integrationLatency: '$context.integrationLatency',
  error: '$context.error.message',
});

export interface LoginApiProps {
  /** The HTTP route declarations (functions/routes.ts HTTP_ROUTES); the first is POST /login. */
  readonly routes: readonly HttpRouteDefinition[];
  readonly targets: AccessTargets;
  /** Configuration every handler gets (LOG_LEVEL and the like). */
  readonly environment: Readonly<Record<string, string>>;
  readonly platform: HandlerPlatform;
  /** The API's name in the console and in CloudWatch. */
  readonly apiName: string;
  /** The mini-program's appid (a deploy-time SSM parameter reference; not secret). */
  readonly wechatAppId: string;
  /** Comma-separated admin user ids (a deploy-time SSM parameter reference). */
  readonly admins: string;
  readonly throttle: ThrottleSettings;
  readonly logRetention: logs.RetentionDays;
  /** Browser origins allowed to call login; empty: no CORS (the mini-program does not need it). */
  readonly consoleOrigins: readonly string[];
  readonly customDomain: ApiDomain | undefined;
  /**
   * The WebSocket API's @connections for routes that declare `manageConnections` (the message
   * push): its URL (CONNECTIONS_API_URL, as for the stream consumers) and the grant of that API's
   * stage only.
   */
  readonly chatConnections?: {
    readonly endpoint: string;
    grant(fn: HandlerFunction): void;
  };
}

export class LoginApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  /** The login function (POST /login). */
  readonly function: HandlerFunction;
  /** Every route's function, by handler name. */
  readonly functions: ReadonlyMap<string, HandlerFunction>;
  readonly accessLogs: logs.LogGroup;
  readonly domain: apigwv2.DomainName | undefined;
  /** The URL clients POST to: on the custom domain when there is one. */
  readonly loginUrl: string;
  /** POST /weblogin on the same host (scan to log in; tickets are polled below it). */
  readonly webLoginUrl: string;
  /** WeChat's message-push URL (/wechat-push) on the same host, for the mini-program console. */
  readonly pushUrl: string;

  constructor(scope: Construct, id: string, props: LoginApiProps) {
    super(scope, id);
    const [loginRoute] = props.routes;
    if (!loginRoute) throw new Error('LoginApi needs its routes');
    const functions = new Map<string, HandlerFunction>();
    for (const route of props.routes) {
      // The login function keeps the construct id it always had (no replacement on upgrade).
      const id = route === loginRoute ? 'Handler' : `Handler-${route.handler}`;
      const fn = new HandlerFunction(this, id, {
        handler: route.handler,
        description: `campus-chat ${route.method} ${route.path}`,
        memoryMb: route.memoryMb,
        timeoutSeconds: route.timeoutSeconds,
        logRetention: props.logRetention,
        platform: props.platform,
        environment: {
          ...props.environment,
          ...declaredEnvironment(route, props.targets),
          WECHAT_APPID: props.wechatAppId,
          ADMINS: props.admins,
          ...route.awsEnvironment,
          ...(route.manageConnections && props.chatConnections
            ? { CONNECTIONS_API_URL: props.chatConnections.endpoint }
            : {}),
        },
      });
      grantDeclaredAccess(fn, route, props.targets);
      if (route.manageConnections) {
        if (!props.chatConnections) {
          throw new Error(
            `${route.method} ${route.path} posts to connections: give chatConnections`,
          );
        }
        props.chatConnections.grant(fn);
      }
      functions.set(route.handler, fn);
    }
    this.functions = functions;
    this.function = functions.get(loginRoute.handler) as HandlerFunction;

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'campus-chat: login (wx.login code -> session token) and scan to log in',
      createDefaultStage: false,
      ...(props.consoleOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...props.consoleOrigins],
              allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.POST],
              // authorization: the scan-to-login poll secret (GET /weblogin/{ticket}).
              allowHeaders: ['content-type', 'authorization'],
              maxAge: Duration.hours(1),
            },
          }
        : {}),
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: AccessLogFormat.custom(LOGIN_ACCESS_LOG_FORMAT),
      },
    });
    for (const route of props.routes) {
      const fn = functions.get(route.handler) as HandlerFunction;
      for (const created of this.api.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(
          route === loginRoute ? 'Integration' : `Integration-${route.handler}`,
          fn.function,
        ),
      })) {
        // Login has no caller identity yet; the web-login routes are authorized by the ticket's
        // poll secret, checked by the function (a ticket is useless without it); the message
        // push by WeChat's signature with the push Token, checked by the function.
        acknowledgeRouteWithoutAuthorizer(
          created,
          route.path === '/wechat-push' ? 'pushRouteAuth' : 'loginRouteAuth',
        );
      }
    }

    if (props.customDomain) {
      this.domain = mapCustomDomain(this, props.customDomain, this.api, this.stage);
      this.loginUrl = `https://${props.customDomain.domainName}${loginRoute.path}`;
      this.webLoginUrl = `https://${props.customDomain.domainName}/weblogin`;
      this.pushUrl = `https://${props.customDomain.domainName}/wechat-push`;
    } else {
      this.domain = undefined;
      this.loginUrl = `${this.api.apiEndpoint}${loginRoute.path}`;
      this.webLoginUrl = `${this.api.apiEndpoint}/weblogin`;
      this.pushUrl = `${this.api.apiEndpoint}/wechat-push`;
    }
  }
}
