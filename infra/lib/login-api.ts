/**
 * Login: an HTTP API with one route, POST /login, answered by functions/handlers/login.ts. The
 * function reads the WeChat app secret and the token signing key from Secrets Manager at run time
 * and gets the appid and the admin list from SSM parameters resolved at deploy time. CORS is open
 * only to the configured console origins.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { LOGIN_ROUTE } from '../../functions/routes';
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
  /** The login route declaration (functions/routes.ts LOGIN_ROUTE). */
  readonly route: typeof LOGIN_ROUTE;
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
}

export class LoginApi extends Construct {
  readonly api: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly function: HandlerFunction;
  readonly accessLogs: logs.LogGroup;
  readonly domain: apigwv2.DomainName | undefined;
  /** The URL clients POST to: on the custom domain when there is one. */
  readonly loginUrl: string;

  constructor(scope: Construct, id: string, props: LoginApiProps) {
    super(scope, id);
    const route = props.route;
    this.function = new HandlerFunction(this, 'Handler', {
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
      },
    });
    grantDeclaredAccess(this.function, route, props.targets);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'campus-chat: login (wx.login code -> session token)',
      createDefaultStage: false,
      ...(props.consoleOrigins.length > 0
        ? {
            corsPreflight: {
              allowOrigins: [...props.consoleOrigins],
              allowMethods: [apigwv2.CorsHttpMethod.POST],
              allowHeaders: ['content-type'],
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
    for (const created of this.api.addRoutes({
      path: route.path,
      methods: [apigwv2.HttpMethod[route.method]],
      integration: new HttpLambdaIntegration('Integration', this.function.function),
    })) {
      acknowledgeRouteWithoutAuthorizer(created, 'loginRouteAuth');
    }

    if (props.customDomain) {
      this.domain = mapCustomDomain(this, props.customDomain, this.api, this.stage);
      this.loginUrl = `https://${props.customDomain.domainName}${route.path}`;
    } else {
      this.domain = undefined;
      this.loginUrl = `${this.api.apiEndpoint}${route.path}`;
    }
  }
}
