/**
 * The whole stack: it synthesizes for the global partition and the AWS China regions without a
 * hard-coded partition or domain suffix, passes cdk-nag's AwsSolutions checks with every deliberate
 * finding acknowledged and explained, never carries a secret value, outputs what the operator
 * needs, and has custom-domain resources exactly when asked for.
 */
import { App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLES } from '../../functions/tables';
import {
  removeSynthOutputs,
  resourcesOf,
  type Synthesized,
  synthesize,
} from '../test/support/synth';
import { referencedId, stringLeaves } from '../test/support/template-queries';
import { NAG_REASONS } from './nag-suppressions';

afterAll(removeSynthOutputs);

const DOMAIN = {
  webSocketDomain: 'chat.example.edu.cn',
  webSocketCertificateArn: 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/ws-cert',
};

function logicalId(synth: Synthesized, element: unknown): string {
  return synth.stack.resolve((element as CfnElement).logicalId) as string;
}

function nagViolations(synth: Synthesized) {
  return new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(synth.app).violations;
}

const PARTITIONS = [
  { region: 'us-east-1', partition: 'aws' },
  { region: 'cn-north-1', partition: 'aws-cn' },
  { region: 'cn-northwest-1', partition: 'aws-cn' },
] as const;
const SENTINELS = {
  JWT_SECRET: 'sentinel-jwt-0f4b9e1c2d3a4b5c6d7e8f901234567',
  WECHAT_SECRET: 'sentinel-wechat-9a8b7c6d5e4f',
};

/**
 * Default settings and no account or region (what a bare `npm run synth` produces), synthesized
 * while the shell holds (sentinel) secrets.
 */
let defaults: Synthesized;
/** Each partition with both custom domains; cn-northwest-1 also without the logging role. */
const byRegion = new Map<string, Synthesized>();

beforeAll(() => {
  const saved = { JWT_SECRET: process.env.JWT_SECRET, WECHAT_SECRET: process.env.WECHAT_SECRET };
  Object.assign(process.env, SENTINELS);
  try {
    defaults = synthesize({ region: 'agnostic' });
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
  for (const { region } of PARTITIONS) {
    byRegion.set(
      region,
      synthesize({
        region,
        settings: {
          customDomain: { ...DOMAIN, loginDomain: 'chat-api.example.edu.cn' },
          manageApiGatewayAccountRole: region !== 'cn-northwest-1',
        },
      }),
    );
  }
});

describe.each(PARTITIONS)('in $region ($partition partition)', ({ region }) => {
  let synth: Synthesized;

  beforeAll(() => {
    synth = byRegion.get(region) as Synthesized;
  });

  it('hard-codes no partition in any ARN', () => {
    const leaves = stringLeaves(synth.json);
    expect(
      leaves.filter((l) => /arn:aws(-cn)?:/.test(l.value) && !l.value.includes('acm:')),
    ).toEqual([]);
    // ARNs are built with the partition of the deployment.
    expect(leaves.filter((l) => l.value === 'arn:').length).toBeGreaterThan(10);
    expect(JSON.stringify(synth.json)).toContain('{"Ref":"AWS::Partition"}');
  });

  it('names amazonaws.com only as a service principal; endpoints use the URL suffix', () => {
    const hosts = stringLeaves(synth.json).filter((l) => l.value.includes('amazonaws.com'));
    for (const host of hosts) {
      expect(host.path).toMatch(/\.Principal(\.Service(\[\d+\])?)?$/);
      expect(host.value).toMatch(/^[a-z0-9]+\.amazonaws\.com$/);
    }
    const connect = Object.values(synth.json.Resources).find(
      (r) => r.Properties?.Environment?.Variables?.CONNECTIONS_ENDPOINT,
    );
    expect(JSON.stringify(connect?.Properties.Environment.Variables.CONNECTIONS_ENDPOINT)).toBe(
      JSON.stringify({
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
      }),
    );
    expect(JSON.stringify(synth.json.Outputs?.ExecuteApiWebSocketUrl?.Value)).toContain(
      '{"Ref":"AWS::URLSuffix"}',
    );
  });

  it('passes the cdk-nag AwsSolutions checks', () => {
    expect(nagViolations(synth)).toEqual([]);
  });
});

describe('cdk-nag', () => {
  it('passes with the default settings', () => {
    expect(nagViolations(defaults)).toEqual([]);
  });

  it('explains every acknowledged finding', () => {
    const acknowledged: { path: string; id: string; reason: string }[] = [];
    const visit = (construct: IConstruct) => {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged.push({ path: construct.node.path, id, reason });
        }
      }
      for (const child of construct.node.children) visit(child);
    };
    visit(defaults.app);
    expect(acknowledged.length).toBeGreaterThan(0);
    const reasons = new Set<string>(Object.values(NAG_REASONS));
    for (const entry of acknowledged) {
      expect(entry.id).toMatch(
        /^Annotation::AwsSolutions-(APIG4|L1|S1|SQS3|IAM4\[.+\]|IAM5\[.+\])$/,
      );
      expect(reasons.has(entry.reason), `${entry.path} ${entry.id}`).toBe(true);
    }
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(80);
  });

  it('does report a finding that was not acknowledged', () => {
    // The pack is live in this setup: an unprotected table is caught.
    const app = new App();
    const extra = new Stack(app, 'Extra');
    new dynamodb.Table(extra, 'Unprotected', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
    });
    const violations = new AwsSolutionsChecks().validateScope(app).violations;
    expect(violations.map((v) => v.ruleName)).toContain('AwsSolutions-DDB3');
    expect(violations.flatMap((v) => v.violatingResources.map((r) => r.constructPath))).toEqual(
      expect.arrayContaining(['Extra/Unprotected/Resource']),
    );
  });
});

describe('secrets', () => {
  const synth = () => defaults;

  it('never puts a secret value in the template', () => {
    const text = JSON.stringify(synth().json);
    for (const value of Object.values(SENTINELS)) expect(text).not.toContain(value);
    expect(resourcesOf(synth().json, 'AWS::SecretsManager::Secret')).toEqual([]);
  });

  it('gives functions secret ids only, in <NAME>_ID variables', () => {
    const variables = resourcesOf(synth().json, 'AWS::Lambda::Function').flatMap(([, fn]) =>
      // CDK's BucketNotificationsHandler has no environment.
      Object.entries((fn.Properties.Environment?.Variables ?? {}) as Record<string, unknown>),
    );
    // Table names (WECHAT_TOKENS_TABLE) hold no secret.
    const secretish = variables.filter(
      ([name]) => /SECRET|KEY|PASSWORD|TOKEN/.test(name) && !name.endsWith('_TABLE'),
    );
    expect(secretish.length).toBeGreaterThan(0);
    for (const [name, value] of secretish) {
      expect(name).toMatch(/^(JWT_SECRET|WECHAT_SECRET|WECHAT_PUSH_TOKEN)_ID$/);
      expect(value).toMatch(/^campus-chat\//);
    }
  });
});

describe('outputs and options', () => {
  let plain: Synthesized;
  let withDomains: Synthesized;

  beforeAll(() => {
    plain = defaults;
    withDomains = byRegion.get('us-east-1') as Synthesized;
  });

  it('outputs the WebSocket URL, the login URL and every table name', () => {
    const outputs = plain.json.Outputs ?? {};
    const api = logicalId(plain, plain.stack.webSocket.api.node.defaultChild);
    expect(outputs.WebSocketUrl?.Value).toEqual({
      'Fn::Join': [
        '',
        [
          'wss://',
          { Ref: api },
          '.execute-api.',
          { Ref: 'AWS::Region' },
          '.',
          { Ref: 'AWS::URLSuffix' },
          '/prod',
        ],
      ],
    });
    expect(outputs.LoginUrl?.Value).toEqual({
      'Fn::Join': [
        '',
        [
          {
            'Fn::GetAtt': [
              logicalId(plain, plain.stack.login.api.node.defaultChild),
              'ApiEndpoint',
            ],
          },
          '/login',
        ],
      ],
    });
    for (const table of TABLES) {
      const key = `${table.id[0]?.toUpperCase()}${table.id.slice(1)}TableName`;
      expect(outputs[key]?.Value).toEqual({
        Ref: logicalId(plain, plain.stack.data.tables[table.id].node.defaultChild),
      });
    }
  });

  it('has no custom domain unless asked for', () => {
    for (const type of ['AWS::ApiGatewayV2::DomainName', 'AWS::ApiGatewayV2::ApiMapping']) {
      expect(resourcesOf(plain.json, type)).toEqual([]);
    }
    expect(Object.keys(plain.json.Outputs ?? {}).filter((k) => k.includes('Domain'))).toEqual([]);
  });

  it('maps the custom domains to the stages and outputs their URLs when asked for', () => {
    const ws = logicalId(withDomains, withDomains.stack.webSocket.api.node.defaultChild);
    const login = logicalId(withDomains, withDomains.stack.login.api.node.defaultChild);
    const domains = resourcesOf(withDomains.json, 'AWS::ApiGatewayV2::DomainName').map(
      ([id, r]) => [id, r.Properties] as const,
    );
    expect(domains.map(([, p]) => p)).toEqual([
      {
        DomainName: 'chat.example.edu.cn',
        DomainNameConfigurations: [
          {
            CertificateArn: DOMAIN.webSocketCertificateArn,
            EndpointType: 'REGIONAL',
            SecurityPolicy: 'TLS_1_2',
          },
        ],
      },
      {
        DomainName: 'chat-api.example.edu.cn',
        // One certificate (e.g. a wildcard) serves both unless loginCertificateArn is given.
        DomainNameConfigurations: [
          {
            CertificateArn: DOMAIN.webSocketCertificateArn,
            EndpointType: 'REGIONAL',
            SecurityPolicy: 'TLS_1_2',
          },
        ],
      },
    ]);
    const mappings = resourcesOf(withDomains.json, 'AWS::ApiGatewayV2::ApiMapping').map(([, r]) => [
      referencedId(r.Properties.ApiId),
      referencedId(r.Properties.DomainName),
      r.Properties.Stage,
    ]);
    expect(mappings).toEqual([
      [ws, domains[0]?.[0], 'prod'],
      [login, domains[1]?.[0], '$default'],
    ]);
    const outputs = withDomains.json.Outputs ?? {};
    expect(outputs.WebSocketUrl?.Value).toBe('wss://chat.example.edu.cn');
    expect(outputs.LoginUrl?.Value).toBe('https://chat-api.example.edu.cn/login');
    expect(outputs.WebSocketDomainTarget?.Value).toEqual({
      'Fn::GetAtt': [domains[0]?.[0], 'RegionalDomainName'],
    });
    expect(outputs.LoginDomainTarget?.Value).toEqual({
      'Fn::GetAtt': [domains[1]?.[0], 'RegionalDomainName'],
    });
  });

  it('sets the API Gateway logging role before the WebSocket stage, unless told not to', () => {
    const accounts = resourcesOf(withDomains.json, 'AWS::ApiGateway::Account');
    expect(accounts).toHaveLength(1);
    const [accountId, account] = accounts[0] as [
      string,
      { Properties: { CloudWatchRoleArn: unknown } },
    ];
    const role = withDomains.json.Resources[referencedId(account.Properties.CloudWatchRoleArn)];
    expect(JSON.stringify(role?.Properties.ManagedPolicyArns)).toContain(
      'policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs',
    );
    const [, stage] = resourcesOf(withDomains.json, 'AWS::ApiGatewayV2::Stage').find(
      ([, r]) => r.Properties.StageName === 'prod',
    ) as [string, { DependsOn?: string[] }];
    expect(stage.DependsOn).toContain(accountId);
    const without = byRegion.get('cn-northwest-1') as Synthesized;
    expect(resourcesOf(without.json, 'AWS::ApiGateway::Account')).toEqual([]);
  });

  it('refuses a log retention CloudWatch Logs does not offer', () => {
    expect(() => synthesize({ settings: { logRetentionDays: 31 } })).toThrow(
      /logRetentionDays 31 is not one CloudWatch Logs accepts/,
    );
  });
});
