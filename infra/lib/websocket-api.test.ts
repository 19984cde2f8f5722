/**
 * The WebSocket API as synthesized: every route of functions/routes.ts wired to the right
 * integration, ping answered by a MOCK integration with a route response, one function per Lambda
 * route with the declared runtime settings and exactly the declared permissions, and a stage with
 * auto-deploy, the configured throttling and an access log that cannot contain the token.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretIdVariable } from '../../functions/adapters/secrets';
import { type LambdaIntegration, ROUTE_SELECTION_EXPRESSION, ROUTES } from '../../functions/routes';
import { type TableId, tableDefinition } from '../../functions/tables';
import { worker } from '../../functions/workers';
import { type BucketId, bucketDefinition } from '../../functions/buckets';
import {
  type CfnResourceJson,
  removeSynthOutputs,
  resourcesOf,
  type Synthesized,
  synthesize,
} from '../test/support/synth';
import {
  actionsOf,
  functionForRoute,
  integrationOf,
  referencedId,
  resourcesOfStatement,
  routeFor,
  type Statement,
  statementsOf,
} from '../test/support/template-queries';
import { DEFAULT_SETTINGS } from './stack-config';
import { WEBSOCKET_ACCESS_LOG_FORMAT } from './websocket-api';

afterAll(removeSynthOutputs);

const READ = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:GetRecords',
  'dynamodb:GetShardIterator',
  'dynamodb:Query',
  'dynamodb:Scan',
];
const WRITE = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:DescribeTable',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];
const EXPECTED_ACTIONS = {
  read: READ,
  write: WRITE,
  readWrite: [...new Set([...READ, ...WRITE])].sort(),
};

const SECRET_IDS = {
  JWT_SECRET: DEFAULT_SETTINGS.secrets.jwtSecretId,
  WECHAT_SECRET: DEFAULT_SETTINGS.secrets.wechatSecretId,
  WECHAT_PUSH_TOKEN: DEFAULT_SETTINGS.secrets.wechatPushTokenId,
};

let synth: Synthesized;
let apiId: string;

beforeAll(() => {
  synth = synthesize({
    settings: { stageName: 'chat', webSocketThrottle: { rateLimit: 37, burstLimit: 74 } },
  });
  const apis = resourcesOf(synth.json, 'AWS::ApiGatewayV2::Api').filter(
    ([, r]) => r.Properties.ProtocolType === 'WEBSOCKET',
  );
  expect(apis).toHaveLength(1);
  apiId = (apis[0] as [string, unknown])[0];
});

const lambdaRoutes = ROUTES.filter(
  (r): r is typeof r & { integration: LambdaIntegration } => r.integration.kind === 'lambda',
);
const mockRoutes = ROUTES.filter((r) => r.integration.kind === 'mock');

/** The table logical id a resource ARN (GetAtt or Join of GetAtt + "/index/*") refers to. */
function tableOfResource(resource: unknown): { table: string; index: boolean } | undefined {
  const text = JSON.stringify(resource);
  const match = text.match(/"Fn::GetAtt":\["(Data[A-Za-z0-9]+)","Arn"\]/);
  if (!match?.[1]) return undefined;
  return { table: match[1], index: text.includes('/index/*') };
}

const tableLogicalIds = new Map<TableId, string>();

function bucketLogicalId(s: Synthesized, id: BucketId): string {
  const cfn = s.stack.images.buckets[id].node.defaultChild as CfnElement;
  return s.stack.resolve(cfn.logicalId) as string;
}

function tableLogicalId(id: TableId): string {
  let logicalId = tableLogicalIds.get(id);
  if (!logicalId) {
    const table = synth.stack.data.tables[id];
    logicalId = synth.stack.resolve((table.node.defaultChild as CfnElement).logicalId) as string;
    tableLogicalIds.set(id, logicalId);
  }
  return logicalId;
}

describe('the WebSocket API', () => {
  it('selects routes by the frame action', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'WEBSOCKET',
      RouteSelectionExpression: ROUTE_SELECTION_EXPRESSION,
    });
  });

  it('has exactly the routes of the route table', () => {
    const keys = resourcesOf(synth.json, 'AWS::ApiGatewayV2::Route')
      .filter(([, r]) => referencedId(r.Properties.ApiId) === apiId)
      .map(([, r]) => r.Properties.RouteKey as string)
      .sort();
    expect(keys).toEqual(ROUTES.map((r) => r.routeKey).sort());
  });

  it.each(lambdaRoutes)('routes $routeKey to its own Lambda proxy integration', (route) => {
    const { route: resource } = routeFor(synth.json, apiId, route.routeKey);
    const { integration } = integrationOf(synth.json, resource);
    expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
    const { logicalId, fn } = functionForRoute(synth.json, apiId, route.routeKey);
    // The function built for this route's handler file is the one the integration invokes.
    const built = synth.stack.webSocket.functions.get(route.routeKey);
    if (!built) throw new Error(`no function for ${route.routeKey}`);
    expect(built.handler).toBe(route.integration.handler);
    expect(synth.stack.resolve((built.function.node.defaultChild as CfnElement).logicalId)).toBe(
      logicalId,
    );
    expect(fn.Properties.Description).toBe(`campus-chat WebSocket route ${route.routeKey}`);
    // API Gateway may invoke it, from this API only.
    const permissions = resourcesOf(synth.json, 'AWS::Lambda::Permission').filter(
      ([, p]) => referencedId(p.Properties.FunctionName) === logicalId,
    );
    expect(permissions).toHaveLength(1);
    const permission = (permissions[0] as [string, { Properties: Record<string, unknown> }])[1];
    expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
    expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`{"Ref":"${apiId}"}`);
  });

  it('gives every Lambda route a function of its own', () => {
    const functions = lambdaRoutes.map((r) => functionForRoute(synth.json, apiId, r.routeKey));
    expect(new Set(functions.map((f) => f.logicalId)).size).toBe(lambdaRoutes.length);
  });
});

describe('ping', () => {
  it.each(mockRoutes)(
    '$routeKey is a MOCK integration answering with a route response',
    (route) => {
      const expected = route.integration.kind === 'mock' ? route.integration.response : '';
      const { logicalId: routeId, route: resource } = routeFor(synth.json, apiId, route.routeKey);
      const { logicalId: integrationId, integration } = integrationOf(synth.json, resource);

      expect(integration.Properties).toMatchObject({
        IntegrationType: 'MOCK',
        RequestTemplates: { $default: '{"statusCode":200}' },
        TemplateSelectionExpression: '\\$default',
      });
      // The integration response renders the frame...
      const responses = resourcesOf(synth.json, 'AWS::ApiGatewayV2::IntegrationResponse').filter(
        ([, r]) => referencedId(r.Properties.IntegrationId) === integrationId,
      );
      expect(responses.map(([, r]) => r.Properties)).toEqual([
        {
          ApiId: { Ref: apiId },
          IntegrationId: { Ref: integrationId },
          IntegrationResponseKey: '$default',
          ResponseTemplates: { $default: expected },
          TemplateSelectionExpression: '\\$default',
        },
      ]);
      // ...and the route is two-way, so API Gateway sends it back to the caller.
      expect(resource.Properties.RouteResponseSelectionExpression).toBe('$default');
      const routeResponses = resourcesOf(synth.json, 'AWS::ApiGatewayV2::RouteResponse').filter(
        ([, r]) => referencedId(r.Properties.RouteId) === routeId,
      );
      expect(routeResponses.map(([, r]) => r.Properties.RouteResponseKey)).toEqual(['$default']);
    },
  );

  it('answers exactly {"type":"pong"}', () => {
    expect(JSON.parse(JSON.stringify(mockRoutes.map((r) => r.integration)))).toEqual([
      { kind: 'mock', response: '{"type":"pong"}' },
    ]);
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::IntegrationResponse', {
      ResponseTemplates: { $default: '{"type":"pong"}' },
    });
  });
});

describe('the handler functions', () => {
  it.each(lambdaRoutes)('$routeKey runs Node.js 24 on arm64 with its declared size', (route) => {
    const { fn } = functionForRoute(synth.json, apiId, route.routeKey);
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: route.integration.memoryMb,
      Timeout: route.integration.timeoutSeconds,
    });
    // Its own log group, with the retention set.
    const logGroup = synth.json.Resources[referencedId(fn.Properties.LoggingConfig.LogGroup)];
    expect(logGroup).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 30 },
    });
  });

  it.each(lambdaRoutes)('$routeKey is told exactly its tables, secrets and endpoint', (route) => {
    const { fn } = functionForRoute(synth.json, apiId, route.routeKey);
    const env = fn.Properties.Environment.Variables as Record<string, unknown>;
    const expected: Record<string, unknown> = {
      LOG_LEVEL: 'INFO',
      NODE_OPTIONS: '--enable-source-maps',
    };
    for (const id of Object.keys(route.integration.tables) as TableId[]) {
      expected[tableDefinition(id).envVar] = { Ref: tableLogicalId(id) };
    }
    for (const name of route.integration.secrets ?? []) {
      expected[secretIdVariable(name)] = SECRET_IDS[name];
    }
    for (const id of Object.keys(route.integration.buckets ?? {}) as BucketId[]) {
      expected[bucketDefinition(id).envVar] = { Ref: bucketLogicalId(synth, id) };
    }
    if (route.integration.secrets?.includes('WECHAT_SECRET')) {
      // Those calling WeChat server APIs (content security) get the appid from the SSM parameter.
      expect(env.WECHAT_APPID).toMatchObject({ Ref: expect.any(String) });
      expected.WECHAT_APPID = env.WECHAT_APPID;
    }
    if (route.integration.manageConnections) {
      expected.CONNECTIONS_ENDPOINT = {
        'Fn::Join': [
          '',
          [
            'https://{apiId}.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
            '/{stage}',
          ],
        ],
      };
    }
    for (const id of route.integration.invokes ?? []) {
      // The name of each worker it invokes (infra/lib/worker-functions.test.ts checks the grant).
      expected[worker(id).nameVariable] = {
        Ref: synth.stack.resolve(
          (synth.stack.workers.functions.get(id)?.function.node.defaultChild as CfnElement)
            .logicalId,
        ) as string,
      };
    }
    expect(env).toEqual(expected);
  });

  it.each(lambdaRoutes)('$routeKey may use only its declared tables, as declared', (route) => {
    const { fn } = functionForRoute(synth.json, apiId, route.routeKey);
    const statements = statementsOf(synth.json, fn).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('dynamodb:')),
    );
    const actionsByTable = new Map<string, Set<string>>();
    for (const statement of statements) {
      for (const resource of resourcesOfStatement(statement)) {
        expect(resource).not.toBe('*');
        const target = tableOfResource(resource);
        expect(target, JSON.stringify(resource)).toBeDefined();
        if (!target) continue;
        const actions = actionsByTable.get(target.table) ?? new Set<string>();
        for (const action of actionsOf(statement)) actions.add(action);
        actionsByTable.set(target.table, actions);
      }
    }
    const expected = new Map(
      (Object.entries(route.integration.tables) as [TableId, keyof typeof EXPECTED_ACTIONS][]).map(
        ([id, level]) => [tableLogicalId(id), EXPECTED_ACTIONS[level]],
      ),
    );
    expect(
      new Map([...actionsByTable].map(([table, actions]) => [table, [...actions].sort()])),
    ).toEqual(expected);
    // Index access only on tables that have indexes.
    for (const statement of statements) {
      for (const resource of resourcesOfStatement(statement)) {
        const target = tableOfResource(resource);
        if (!target?.index) continue;
        const id = (Object.keys(route.integration.tables) as TableId[]).find(
          (t) => tableLogicalId(t) === target.table,
        );
        expect(id && tableDefinition(id).globalIndexes.length).toBeGreaterThan(0);
      }
    }
  });

  it.each(lambdaRoutes)(
    '$routeKey may manage connections only on this stage, if declared',
    (route) => {
      const { fn } = functionForRoute(synth.json, apiId, route.routeKey);
      const statements = statementsOf(synth.json, fn).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('execute-api:')),
      );
      if (!route.integration.manageConnections) {
        expect(statements).toEqual([]);
        return;
      }
      expect(statements).toEqual([
        {
          Effect: 'Allow',
          Action: 'execute-api:ManageConnections',
          Resource: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':execute-api:us-east-1:123456789012:',
                { Ref: apiId },
                '/chat/*/@connections/*',
              ],
            ],
          },
        },
      ]);
    },
  );

  it.each(lambdaRoutes)(
    '$routeKey reads only its declared secrets and writes only its logs',
    (route) => {
      const { fn } = functionForRoute(synth.json, apiId, route.routeKey);
      const statements = statementsOf(synth.json, fn);
      const secretStatements = statements.filter((s) =>
        actionsOf(s).some((a) => a.startsWith('secretsmanager:')),
      );
      expect(secretStatements.map((s) => JSON.stringify(s.Resource))).toEqual(
        (route.integration.secrets ?? []).map((name) =>
          JSON.stringify({
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                `:secretsmanager:us-east-1:123456789012:secret:${SECRET_IDS[name]}-??????`,
              ],
            ],
          }),
        ),
      );
      for (const s of secretStatements) {
        expect(actionsOf(s)).toEqual([
          'secretsmanager:DescribeSecret',
          'secretsmanager:GetSecretValue',
        ]);
      }
      const logStatements = statements.filter((s) =>
        actionsOf(s).some((a) => a.startsWith('logs:')),
      );
      expect(logStatements).toEqual([
        {
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: { 'Fn::GetAtt': [referencedId(fn.Properties.LoggingConfig.LogGroup), 'Arn'] },
        } satisfies Statement,
      ]);
      // Nothing else: no other service, no managed policy (statementsOf throws on one).
      const services = new Set(statements.flatMap((s) => actionsOf(s).map((a) => a.split(':')[0])));
      for (const service of services) {
        // s3 only for a handler that declares a bucket (infra/lib/image-storage.test.ts).
        const allowed = ['dynamodb', 'execute-api', 'logs', 'secretsmanager'];
        if (route.integration.buckets) allowed.push('s3');
        // lambda only for a handler that invokes a worker (infra/lib/worker-functions.test.ts).
        if (route.integration.invokes) allowed.push('lambda');
        expect(allowed).toContain(service);
      }
    },
  );
});

describe('the stage', () => {
  it('auto-deploys with the configured name and throttling', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: apiId },
      StageName: 'chat',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 37, ThrottlingBurstLimit: 74 },
    });
  });

  it('writes access logs to a log group with retention', () => {
    const [, stage] = resourcesOf(synth.json, 'AWS::ApiGatewayV2::Stage').find(
      ([, r]) => referencedId(r.Properties.ApiId) === apiId,
    ) as [string, CfnResourceJson];
    expect(stage.Properties.AccessLogSettings.Format).toBe(WEBSOCKET_ACCESS_LOG_FORMAT);
    const logGroup =
      synth.json.Resources[referencedId(stage.Properties.AccessLogSettings.DestinationArn)];
    expect(logGroup?.Properties.RetentionInDays).toBe(30);
  });

  it('logs only $context variables that cannot carry the token', () => {
    const format = JSON.parse(WEBSOCKET_ACCESS_LOG_FORMAT) as Record<string, string>;
    for (const value of Object.values(format)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
    const lowered = WEBSOCKET_ACCESS_LOG_FORMAT.toLowerCase();
    for (const forbidden of [
      'querystring',
      'requestoverride',
      'responseoverride',
      'token',
      'header',
      'authorizer',
      '$input',
      '$request',
      'body',
    ]) {
      expect(lowered).not.toContain(forbidden);
    }
    expect(format.requestId).toBe('$context.requestId');
  });
});
