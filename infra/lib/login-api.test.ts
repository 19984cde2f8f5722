/**
 * POST /login as synthesized: an HTTP API route to the login function, which gets the users table,
 * both secrets by id (never by value), the appid and admins from SSM parameters, throttling, an
 * access log without the body, and CORS only for configured console origins.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES, LOGIN_ROUTE } from '../../functions/routes';
import {
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
  routeFor,
  statementsOf,
} from '../test/support/template-queries';
import { LOGIN_ACCESS_LOG_FORMAT } from './login-api';
import { DEFAULT_SETTINGS } from './stack-config';

afterAll(removeSynthOutputs);

const JWT_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:school/jwt-AbCdEf';

let synth: Synthesized;
let withConsole: Synthesized;

function httpApiId(s: Synthesized): string {
  const apis = resourcesOf(s.json, 'AWS::ApiGatewayV2::Api').filter(
    ([, r]) => r.Properties.ProtocolType === 'HTTP',
  );
  expect(apis).toHaveLength(1);
  return (apis[0] as [string, unknown])[0];
}

beforeAll(() => {
  synth = synthesize({ settings: { loginThrottle: { rateLimit: 3, burstLimit: 6 } } });
  withConsole = synthesize({
    settings: {
      consoleOrigins: ['https://console.example.edu.cn', 'http://localhost:5173'],
      secrets: { ...DEFAULT_SETTINGS.secrets, jwtSecretId: JWT_SECRET_ARN },
    },
  });
});

describe('the login API', () => {
  it('routes POST /login to the login function and the other HTTP routes to theirs, nothing else (payload 2.0)', () => {
    const apiId = httpApiId(synth);
    const routes = resourcesOf(synth.json, 'AWS::ApiGatewayV2::Route').filter(
      ([, r]) => referencedId(r.Properties.ApiId) === apiId,
    );
    expect(routes.map(([, r]) => r.Properties.RouteKey).sort()).toEqual(
      HTTP_ROUTES.map((r) => `${r.method} ${r.path}`).sort(),
    );
    for (const r of HTTP_ROUTES) {
      const { fn } = functionForRoute(synth.json, apiId, `${r.method} ${r.path}`);
      expect(fn.Properties.Description).toBe(`campus-chat ${r.method} ${r.path}`);
    }
    const { route } = routeFor(synth.json, apiId, 'POST /login');
    const { integration } = integrationOf(synth.json, route);
    expect(integration.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    const { fn } = functionForRoute(synth.json, apiId, 'POST /login');
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: LOGIN_ROUTE.memoryMb,
      Timeout: LOGIN_ROUTE.timeoutSeconds,
    });
  });

  it('configures the function with ids and parameter references, never secret values', () => {
    const { fn } = functionForRoute(synth.json, httpApiId(synth), 'POST /login');
    const env = fn.Properties.Environment.Variables;
    expect(Object.keys(env).sort()).toEqual(
      [
        'ADMINS',
        'JWT_SECRET_ID',
        'LOG_LEVEL',
        'NODE_OPTIONS',
        // The role comes from the staff table (ADMINS seeds its first managers at a login).
        'STAFF_TABLE',
        'USERS_TABLE',
        'WECHAT_APPID',
        'WECHAT_SECRET_ID',
        // The shared WeChat access token, for the display-name check (msgSecCheck).
        'WECHAT_TOKENS_TABLE',
      ].sort(),
    );
    expect(env.JWT_SECRET_ID).toBe(DEFAULT_SETTINGS.secrets.jwtSecretId);
    expect(env.WECHAT_SECRET_ID).toBe(DEFAULT_SETTINGS.secrets.wechatSecretId);
    // Resolved by CloudFormation from the operator's SSM parameters at deploy time.
    for (const [variable, parameter] of [
      ['WECHAT_APPID', DEFAULT_SETTINGS.secrets.wechatAppIdParameter],
      ['ADMINS', DEFAULT_SETTINGS.secrets.adminsParameter],
    ] as const) {
      const parameterId = referencedId(env[variable]);
      expect(synth.json.Parameters?.[parameterId]).toEqual({
        Type: 'AWS::SSM::Parameter::Value<String>',
        Default: parameter,
      });
    }
  });

  it('makes POST /weblogin show a mini-program code on AWS: WEB_LOGIN_CODE, the WeChat token and secret', () => {
    const { fn } = functionForRoute(synth.json, httpApiId(synth), 'POST /weblogin');
    const env = fn.Properties.Environment.Variables;
    const statements = statementsOf(synth.json, fn);
    const secrets = statements
      .filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'))
      .map((s) => JSON.stringify(s.Resource));
    expect({
      code: env.WEB_LOGIN_CODE,
      secretId: env.WECHAT_SECRET_ID,
      tokens: typeof env.WECHAT_TOKENS_TABLE,
    }).toEqual({
      code: 'wxacode',
      secretId: DEFAULT_SETTINGS.secrets.wechatSecretId,
      tokens: 'object',
    });
    expect(secrets).toEqual([
      expect.stringContaining(':secret:campus-chat/wechat-app-secret-??????'),
    ]);
    // Only that function: the other HTTP routes do not draw codes.
    const poll = functionForRoute(synth.json, httpApiId(synth), 'GET /weblogin/{ticket}').fn;
    expect(poll.Properties.Environment.Variables.WEB_LOGIN_CODE).toBeUndefined();
  });

  it('may read and write users, staff and the WeChat token, and read both secrets, nothing else', () => {
    const { fn } = functionForRoute(synth.json, httpApiId(synth), 'POST /login');
    const statements = statementsOf(synth.json, fn);
    const services = new Set(statements.flatMap((s) => actionsOf(s).map((a) => a.split(':')[0])));
    expect([...services].sort()).toEqual(['dynamodb', 'logs', 'secretsmanager']);
    const tables = new Set(
      statements
        .filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')))
        .flatMap((s) => JSON.stringify(s.Resource).match(/Data[A-Za-z0-9]+/g) ?? []),
    );
    const users = synth.stack.resolve(
      (synth.stack.data.tables.users.node.defaultChild as CfnElement).logicalId,
    ) as string;
    const wechatTokens = synth.stack.resolve(
      (synth.stack.data.tables.wechatTokens.node.defaultChild as CfnElement).logicalId,
    ) as string;
    const staff = synth.stack.resolve(
      (synth.stack.data.tables.staff.node.defaultChild as CfnElement).logicalId,
    ) as string;
    expect([...tables].sort()).toEqual([users, staff, wechatTokens].sort());
    const writes = statements
      .filter((s) => JSON.stringify(s.Resource).includes(users))
      .flatMap(actionsOf);
    expect(writes).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:UpdateItem']));
    const secrets = statements
      .filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'))
      .map((s) => JSON.stringify(s.Resource));
    expect(secrets).toHaveLength(2);
    expect(secrets.some((r) => r.includes(':secret:campus-chat/jwt-signing-key-??????'))).toBe(
      true,
    );
    expect(secrets.some((r) => r.includes(':secret:campus-chat/wechat-app-secret-??????'))).toBe(
      true,
    );
  });

  it('takes a secret by its full ARN, granting exactly that secret', () => {
    const { fn } = functionForRoute(withConsole.json, httpApiId(withConsole), 'POST /login');
    expect(fn.Properties.Environment.Variables.JWT_SECRET_ID).toBe(JWT_SECRET_ARN);
    const resources = statementsOf(withConsole.json, fn)
      .filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'))
      .map((s) => s.Resource);
    expect(resources).toContainEqual(JWT_SECRET_ARN);
  });

  it('auto-deploys a throttled $default stage whose access log omits body, headers and query', () => {
    synth.template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      ApiId: { Ref: httpApiId(synth) },
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 3, ThrottlingBurstLimit: 6 },
      AccessLogSettings: { Format: LOGIN_ACCESS_LOG_FORMAT },
    });
    const format = JSON.parse(LOGIN_ACCESS_LOG_FORMAT) as Record<string, string>;
    for (const value of Object.values(format)) expect(value).toMatch(/^\$context\.[A-Za-z.]+$/);
    for (const forbidden of ['querystring', 'header', 'body', '$input', '$request', 'override']) {
      expect(LOGIN_ACCESS_LOG_FORMAT.toLowerCase()).not.toContain(forbidden);
    }
  });

  it('has no CORS unless console origins are configured', () => {
    const api = synth.json.Resources[httpApiId(synth)];
    expect(api?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('allows POST with a JSON body from exactly the configured console origins', () => {
    const api = withConsole.json.Resources[httpApiId(withConsole)];
    expect(api?.Properties.CorsConfiguration).toEqual({
      AllowOrigins: ['https://console.example.edu.cn', 'http://localhost:5173'],
      AllowMethods: ['GET', 'POST'],
      AllowHeaders: ['content-type', 'authorization'],
      MaxAge: 3600,
    });
  });
});

describe("WeChat's message push (/wechat-push)", () => {
  it('routes GET (URL check) and POST (events) to their functions; the GET one reads only the push Token', () => {
    const apiId = httpApiId(synth);
    const verify = functionForRoute(synth.json, apiId, 'GET /wechat-push');
    const statements = statementsOf(synth.json, verify.fn);
    const services = new Set(statements.flatMap((s) => actionsOf(s).map((a) => a.split(':')[0])));
    expect([...services].sort()).toEqual(['logs', 'secretsmanager']);
    const secrets = statements
      .filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'))
      .map((s) => JSON.stringify(s.Resource));
    expect(secrets).toHaveLength(1);
    expect(secrets[0]).toContain(':secret:campus-chat/wechat-push-token-??????');
    expect(functionForRoute(synth.json, apiId, 'POST /wechat-push').fn).toBeDefined();
  });

  it('lets the POST function delete only the three image prefixes and post only to the WebSocket stage', () => {
    const { fn } = functionForRoute(synth.json, httpApiId(synth), 'POST /wechat-push');
    const statements = statementsOf(synth.json, fn);
    const deletes = statements.filter((s) => actionsOf(s).includes('s3:DeleteObject'));
    expect(deletes).toHaveLength(1);
    const resources = JSON.stringify(deletes[0]?.Resource);
    for (const prefix of ['/up/*', '/img/*', '/th/*']) expect(resources).toContain(prefix);
    expect(resources).not.toContain('/bad/*');
    const s3Actions = statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:'));
    expect([...new Set(s3Actions)]).toEqual(['s3:DeleteObject']);
    const manage = statements.filter((s) => actionsOf(s).includes('execute-api:ManageConnections'));
    expect(manage).toHaveLength(1);
    expect(JSON.stringify(manage[0]?.Resource)).toContain('/@connections/*');
    const variables = (fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
    expect(JSON.stringify(variables.CONNECTIONS_API_URL)).toContain('execute-api');
    expect(variables.WECHAT_PUSH_TOKEN_ID).toBe(DEFAULT_SETTINGS.secrets.wechatPushTokenId);
  });
});
