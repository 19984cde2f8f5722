/**
 * The campus-chat backend in one stack: the tables (data), the WebSocket API with one function per
 * route, the login API, and the alarms and dashboard. Everything route- or table-shaped is read
 * from functions/routes.ts and functions/tables.ts.
 */
import { Annotations, Aws, CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct, IDependable } from 'constructs';
import type { SecretName } from '../../functions/adapters/secrets';
import { HTTP_ROUTES, ROUTE_SELECTION_EXPRESSION, ROUTES } from '../../functions/routes';
import { TABLES, type TableId } from '../../functions/tables';
import { ChatData } from './chat-data';
import { ImageStorage } from './image-storage';
import { BUCKETS } from '../../functions/buckets';
import type { AccessTargets, SecretReference } from './handler-access';
import { LoginApi } from './login-api';
import { ConsoleHosting, isChinaStack } from './console-hosting';
import { acknowledgeApiGatewayLoggingRole, acknowledgeManageConnections } from './nag-suppressions';
import { resolvePlatform } from './handler-platform';
import { Observability } from './observability';
import type { CampusChatSettings, CampusChatStackProps } from './stack-config';
import { ChatWebSocketApi } from './websocket-api';
import { EVENT_SOURCES } from '../../functions/event-sources';
import { StreamConsumers } from './stream-consumers';
import { WORKERS } from '../../functions/workers';
import { WorkerFunctions } from './worker-functions';

/**
 * Configuration every handler gets: the log level and the tuning knobs set in context (one
 * setting each, read by stack-config.ts), over the stack's default log level.
 */
function handlerEnvironment(settings: CampusChatSettings): Record<string, string> {
  return { LOG_LEVEL: 'INFO', ...settings.tuning };
}

function retention(days: number): logs.RetentionDays {
  const valid = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!valid.includes(days))
    throw new Error(`logRetentionDays ${days} is not one CloudWatch Logs accepts: ${valid}`);
  return days as logs.RetentionDays;
}

function importSecret(scope: Construct, id: string, secretId: string): SecretReference {
  const secret = secretId.startsWith('arn:')
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, secretId)
    : secretsmanager.Secret.fromSecretNameV2(scope, id, secretId);
  return { secret, secretId };
}

export class CampusChatStack extends Stack {
  readonly settings: CampusChatSettings;
  readonly data: ChatData;
  readonly images: ImageStorage;
  readonly webSocket: ChatWebSocketApi;
  readonly login: LoginApi;
  readonly observability: Observability;
  /** The browser console behind CloudFront (when the stack was given its build). */
  readonly console: ConsoleHosting | undefined;
  readonly streams: StreamConsumers;
  readonly workers: WorkerFunctions;

  constructor(scope: Construct, id: string, props: CampusChatStackProps) {
    super(scope, id, props);
    const settings = props.settings;
    this.settings = settings;
    const logRetention = retention(settings.logRetentionDays);
    const environment = handlerEnvironment(settings);
    const platform = resolvePlatform(this.region, {
      ...(settings.lambdaRuntime !== undefined ? { runtime: settings.lambdaRuntime } : {}),
      ...(settings.lambdaArchitecture !== undefined
        ? { architecture: settings.lambdaArchitecture }
        : {}),
    });

    // Logical ids of the data construct and its tables must never change: a new id is a new,
    // empty table (the retained old one would linger unused).
    this.data = new ChatData(this, 'Data', { definitions: TABLES });

    const secrets: Record<SecretName, SecretReference> = {
      JWT_SECRET: importSecret(this, 'JwtSecret', settings.secrets.jwtSecretId),
      WECHAT_SECRET: importSecret(this, 'WeChatSecret', settings.secrets.wechatSecretId),
      WECHAT_PUSH_TOKEN: importSecret(this, 'WeChatPushToken', settings.secrets.wechatPushTokenId),
    };
    // Image messages (functions/buckets.ts): the bucket and its process-image function.
    this.images = new ImageStorage(this, 'Images', {
      definitions: BUCKETS,
      // The console's own domain posts uploads and loads pictures. Its CloudFront default domain
      // cannot be named here: the distribution's CSP names this bucket (a cycle); without a
      // consoleDomain, list the console's origin in consoleOrigins (docs/deploy.md).
      consoleOrigins: [
        ...settings.consoleOrigins,
        ...(settings.consoleDomain ? [`https://${settings.consoleDomain.domainName}`] : []),
      ],
      environment,
      platform,
      logRetention,
    });
    const targets: AccessTargets = {
      tables: this.data.tables,
      secrets,
      buckets: this.images.buckets,
    };

    const stageDependsOn: IDependable[] = [];
    if (settings.manageApiGatewayAccountRole) stageDependsOn.push(this.apiGatewayLoggingRole());

    const certificates = new Map<string, acm.ICertificate>();
    const certificate = (arn: string) => {
      let found = certificates.get(arn);
      if (!found) {
        found = acm.Certificate.fromCertificateArn(this, `Certificate${certificates.size}`, arn);
        certificates.set(arn, found);
      }
      return found;
    };
    const domain = settings.customDomain;

    // Resolved by CloudFormation at deploy time from the operator's parameter; run
    // `cdk deploy --force` after changing it.
    const wechatAppId = ssm.StringParameter.valueForStringParameter(
      this,
      settings.secrets.wechatAppIdParameter,
    );
    this.webSocket = new ChatWebSocketApi(this, 'WebSocket', {
      wechatAppId,
      routes: ROUTES,
      routeSelectionExpression: ROUTE_SELECTION_EXPRESSION,
      targets,
      environment,
      platform,
      apiName: `${this.stackName}-websocket`,
      stageName: settings.stageName,
      throttle: settings.webSocketThrottle,
      logRetention,
      stageDependsOn,
      customDomain: domain
        ? {
            domainName: domain.webSocketDomain,
            certificate: certificate(domain.webSocketCertificateArn),
          }
        : undefined,
    });

    // The console first: the login API's CORS allows its origin. Its CSP lists the API origins as
    // strings (the custom domains, else the region's execute-api hosts) so it does not refer back.
    const china = isChinaStack(this);
    const apiHosts = domain
      ? [
          `wss://${domain.webSocketDomain}`,
          ...(domain.loginDomain ? [`https://${domain.loginDomain}`] : []),
        ]
      : [];
    const executeApi = `*.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}`;
    const connectOrigins =
      domain?.loginDomain !== undefined
        ? apiHosts
        : [...apiHosts, `wss://${executeApi}`, `https://${executeApi}`];
    if (props.consoleDir && china && !settings.consoleDomain) {
      Annotations.of(this).addWarning(
        'The console is not deployed: CloudFront in the China regions needs an ICP-filed ' +
          'consoleDomain and consoleIamCertificateId (docs/deploy.md "The console").',
      );
    }
    this.console =
      props.consoleDir && (!china || settings.consoleDomain)
        ? new ConsoleHosting(this, 'Console', {
            siteDir: props.consoleDir,
            connectOrigins,
            imageOrigins: Object.values(this.images.buckets).map(
              (bucket) => `https://${bucket.bucketRegionalDomainName}`,
            ),
            domain: settings.consoleDomain,
            china,
          })
        : undefined;

    this.login = new LoginApi(this, 'Login', {
      routes: HTTP_ROUTES,
      targets,
      environment,
      platform,
      apiName: `${this.stackName}-login`,
      wechatAppId,
      admins: ssm.StringParameter.valueForStringParameter(this, settings.secrets.adminsParameter),
      throttle: settings.loginThrottle,
      logRetention,
      // The message push tells members a risky picture is gone (functions/routes.ts HTTP_ROUTES).
      chatConnections: {
        endpoint: `https://${this.webSocket.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${this.webSocket.stage.stageName}`,
        grant: (fn) => {
          this.webSocket.stage.grantManagementApiAccess(fn.function);
          acknowledgeManageConnections(fn, this.webSocket.api, settings.stageName);
        },
      },
      consoleOrigins: [...settings.consoleOrigins, ...(this.console ? [this.console.origin] : [])],
      customDomain: domain?.loginDomain
        ? {
            domainName: domain.loginDomain,
            certificate: certificate(domain.loginCertificateArn ?? domain.webSocketCertificateArn),
          }
        : undefined,
    });

    this.streams = new StreamConsumers(this, 'Streams', {
      sources: EVENT_SOURCES,
      targets,
      webSocket: { api: this.webSocket.api, stage: this.webSocket.stage },
      environment: {
        ...environment,
        WECHAT_APPID: ssm.StringParameter.valueForStringParameter(
          this,
          settings.secrets.wechatAppIdParameter,
        ),
        ADMINS: ssm.StringParameter.valueForStringParameter(this, settings.secrets.adminsParameter),
      },
      platform,
      logRetention,
    });

    // Functions invoked by functions (functions/workers.ts), granted to the routes that declare them.
    this.workers = new WorkerFunctions(this, 'Workers', {
      workers: WORKERS,
      targets,
      webSocket: { api: this.webSocket.api, stage: this.webSocket.stage },
      environment,
      platform,
      logRetention,
    });
    for (const route of ROUTES) {
      const fn = this.webSocket.functions.get(route.routeKey);
      if (fn && route.integration.kind === 'lambda' && route.integration.invokes) {
        this.workers.grantInvokeTo(fn, route.integration.invokes);
      }
    }

    const functions = new Map(
      [...this.webSocket.functions].map(([routeKey, fn]) => [routeKey, fn.function] as const),
    );
    functions.set('login', this.login.function.function);
    for (const [handler, fn] of this.login.functions) {
      if (fn !== this.login.function) functions.set(handler, fn.function);
    }
    for (const [id, fn] of this.streams.functions) functions.set(id, fn.function);
    for (const [id, fn] of this.workers.functions) functions.set(id, fn.function);
    this.observability = new Observability(this, 'Operations', {
      functions,
      tables: this.data.tables,
      webSocketApiId: this.webSocket.api.apiId,
      webSocketStage: this.webSocket.stage.stageName,
      webSocketAccessLogs: this.webSocket.accessLogs,
      loginApiId: this.login.api.apiId,
      alarmEmail: settings.alarmEmail,
      deadLetterQueues: this.streams.deadLetterQueues,
    });

    this.console?.deploy({
      websocketUrl: this.webSocket.clientUrl,
      loginUrl: this.login.loginUrl,
      webLoginUrl: this.login.webLoginUrl,
    });

    this.outputs();
  }

  /**
   * Stage logging needs the account's API Gateway CloudWatch Logs role. Made as CDK's own
   * `cloudWatchRole` option makes it (RestApi): the account setting depends on the role, and both
   * are retained on delete, since the setting is account-wide and other APIs may rely on it. Only
   * when `manageApiGatewayAccountRole` is set (see stack-config.ts for why it is opt-in).
   */
  private apiGatewayLoggingRole(): IDependable {
    const role = new iam.Role(this, 'ApiGatewayCloudWatchRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName(
          'service-role/AmazonAPIGatewayPushToCloudWatchLogs',
        ),
      ],
    });
    role.applyRemovalPolicy(RemovalPolicy.RETAIN);
    acknowledgeApiGatewayLoggingRole(role);
    const account = new apigateway.CfnAccount(this, 'ApiGatewayAccount', {
      cloudWatchRoleArn: role.roleArn,
    });
    account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    account.node.addDependency(role);
    return account;
  }

  private outputs(): void {
    new CfnOutput(this, 'WebSocketUrl', {
      description: 'Put this in the mini-program config (wss://)',
      value: this.webSocket.clientUrl,
    });
    new CfnOutput(this, 'ExecuteApiWebSocketUrl', {
      description: 'The WebSocket stage on its execute-api host (testing; not for WeChat)',
      value: this.webSocket.stage.url,
    });
    if (this.console) {
      new CfnOutput(this, 'ConsoleUrl', {
        description: 'The desk console (scan to log in with the mini-program)',
        value: `${this.console.origin}/`,
      });
    }
    new CfnOutput(this, 'LoginUrl', {
      description: 'POST {"code"} here to log in (https://)',
      value: this.login.loginUrl,
    });
    new CfnOutput(this, 'MessagePushUrl', {
      description:
        'Mini-program admin console: 开发管理 -> 消息推送 URL (plain text, JSON; docs/deploy.md)',
      value: this.login.pushUrl,
    });
    if (this.webSocket.domain) {
      new CfnOutput(this, 'WebSocketDomainTarget', {
        description: `CNAME ${this.settings.customDomain?.webSocketDomain} to this`,
        value: this.webSocket.domain.regionalDomainName,
      });
    }
    if (this.login.domain) {
      new CfnOutput(this, 'LoginDomainTarget', {
        description: `CNAME ${this.settings.customDomain?.loginDomain} to this`,
        value: this.login.domain.regionalDomainName,
      });
    }
    for (const [id, table] of Object.entries(this.data.tables) as [TableId, ITable][]) {
      new CfnOutput(this, `${id[0]?.toUpperCase()}${id.slice(1)}TableName`, {
        description: `DynamoDB table ${id}`,
        value: table.tableName,
      });
    }
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Subscribe to this topic for alarm notifications',
      value: this.observability.alarmTopic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', { value: this.observability.dashboard.dashboardName });
  }
}
