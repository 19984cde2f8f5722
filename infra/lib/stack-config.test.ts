/**
 * Reading the stack settings from CDK context: defaults, overrides, and refusals of values that
 * would deploy something other than what the operator meant.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfig, TUNING_VARIABLES } from '../../functions/config';
import { TABLES } from '../../functions/tables';
import { BUCKETS } from '../../functions/buckets';
import { DEFAULT_SETTINGS, settingsFromContext } from './stack-config';

function reader(context: Record<string, unknown>) {
  return (key: string) => context[key];
}

describe('settingsFromContext', () => {
  it('gives the defaults when nothing is set', () => {
    expect(settingsFromContext(reader({}))).toEqual(DEFAULT_SETTINGS);
  });

  it('matches the defaults with the context in cdk.json', () => {
    const cdkJson = JSON.parse(
      readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'),
    ) as { context: Record<string, unknown> };
    expect(settingsFromContext(reader(cdkJson.context))).toEqual(DEFAULT_SETTINGS);
  });

  it('reads overrides as `-c key=value` strings', () => {
    const settings = settingsFromContext(
      reader({
        stageName: 'v1',
        throttleRateLimit: '250',
        throttleBurstLimit: '500',
        loginThrottleRateLimit: '5',
        loginThrottleBurstLimit: '8',
        logRetentionDays: '90',
        consoleOrigins: 'https://console.example.edu.cn, http://localhost:5173',
        jwtSecretId: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:jwt-AbCdEf',
        adminsParameter: '/school/admins',
        domainName: 'chat.example.edu.cn',
        certificateArn: 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc',
        loginDomainName: 'chat-api.example.edu.cn',
        alarmEmail: 'it@example.edu.cn',
        manageApiGatewayAccountRole: 'false',
      }),
    );
    expect(settings).toEqual({
      ...DEFAULT_SETTINGS,
      stageName: 'v1',
      webSocketThrottle: { rateLimit: 250, burstLimit: 500 },
      loginThrottle: { rateLimit: 5, burstLimit: 8 },
      logRetentionDays: 90,
      consoleOrigins: ['https://console.example.edu.cn', 'http://localhost:5173'],
      secrets: {
        ...DEFAULT_SETTINGS.secrets,
        jwtSecretId: 'arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:jwt-AbCdEf',
        adminsParameter: '/school/admins',
      },
      customDomain: {
        webSocketDomain: 'chat.example.edu.cn',
        webSocketCertificateArn: 'arn:aws-cn:acm:cn-north-1:123456789012:certificate/abc',
        loginDomain: 'chat-api.example.edu.cn',
      },
      alarmEmail: 'it@example.edu.cn',
      manageApiGatewayAccountRole: false,
    });
  });

  it('refuses a domain without a certificate, and the reverse', () => {
    expect(() => settingsFromContext(reader({ domainName: 'chat.example.edu.cn' }))).toThrow(
      'context domainName and certificateArn must be set together',
    );
    expect(() => settingsFromContext(reader({ certificateArn: 'arn:aws:acm:x' }))).toThrow(
      'context domainName and certificateArn must be set together',
    );
    expect(() => settingsFromContext(reader({ loginDomainName: 'chat-api.example.edu' }))).toThrow(
      'context loginDomainName needs domainName and certificateArn',
    );
  });

  it('refuses numbers and flags that are not', () => {
    expect(() => settingsFromContext(reader({ throttleRateLimit: 'fast' }))).toThrow(
      'context throttleRateLimit must be a positive number',
    );
    expect(() => settingsFromContext(reader({ throttleBurstLimit: '0' }))).toThrow(
      'context throttleBurstLimit must be a positive number',
    );
    expect(() => settingsFromContext(reader({ manageApiGatewayAccountRole: 'yes' }))).toThrow(
      'context manageApiGatewayAccountRole must be true or false',
    );
  });

  it('leaves the API Gateway account role alone unless asked (opt-in)', () => {
    expect(DEFAULT_SETTINGS.manageApiGatewayAccountRole).toBe(false);
    expect(settingsFromContext(reader({})).manageApiGatewayAccountRole).toBe(false);
    expect(
      settingsFromContext(reader({ manageApiGatewayAccountRole: 'true' }))
        .manageApiGatewayAccountRole,
    ).toBe(true);
  });

  it('reads the Lambda runtime and architecture, and refuses what the handlers cannot run on', () => {
    expect(
      settingsFromContext(reader({ lambdaRuntime: 'nodejs22.x', lambdaArchitecture: 'x86_64' })),
    ).toMatchObject({ lambdaRuntime: 'nodejs22.x', lambdaArchitecture: 'x86_64' });
    expect(settingsFromContext(reader({}))).not.toHaveProperty('lambdaRuntime');
    expect(() => settingsFromContext(reader({ lambdaRuntime: 'python3.13' }))).toThrow(
      'lambdaRuntime python3.13 must be a Node.js runtime, nodejs20.x or newer',
    );
    expect(() => settingsFromContext(reader({ lambdaRuntime: 'nodejs18.x' }))).toThrow(
      /nodejs20\.x or newer/,
    );
    expect(() => settingsFromContext(reader({ lambdaArchitecture: 'amd64' }))).toThrow(
      'context lambdaArchitecture must be arm64 or x86_64',
    );
  });

  /** Knobs whose values are not numbers (issue 15's notification settings). */
  const SAMPLE_VALUES: Partial<Record<string, string>> = {
    NOTIFY_TEMPLATE_DESK_REPLIED: 'tmpl-desk-replied',
    NOTIFY_TEMPLATE_STUDENT_WAITING: 'tmpl-student-waiting',
    NOTIFY_FIELDS_DESK_REPLIED: 'from=thing1,preview=thing2,time=time3',
    NOTIFY_FIELDS_STUDENT_WAITING: 'student=thing1,preview=thing2,time=time3',
    NOTIFY_MINIPROGRAM_STATE: 'trial',
    NOTIFY_TIME_ZONE: 'Asia/Shanghai',
    DESK_HOURS: 'Mon-Fri 08:30-17:30; Sat 09:00-12:00',
  };

  it('reads every tuning knob under its environment variable name', () => {
    const context = Object.fromEntries(
      TUNING_VARIABLES.map((name) => [
        name,
        name === 'LOG_LEVEL'
          ? 'DEBUG'
          : name === 'DESK_TITLE'
            ? '自习室服务台'
            : (SAMPLE_VALUES[name] ?? '7'),
      ]),
    );
    expect(settingsFromContext(reader(context)).tuning).toEqual(context);
    expect(settingsFromContext(reader({ SEND_RATE_LIMIT: 60 })).tuning).toEqual({
      SEND_RATE_LIMIT: '60',
    });
  });

  it('refuses a knob value the handlers would refuse at run time', () => {
    expect(() => settingsFromContext(reader({ SEND_RATE_LIMIT: '-1' }))).toThrow(
      'context: SEND_RATE_LIMIT must be a positive integer',
    );
    expect(() => settingsFromContext(reader({ FRAME_PER_SECOND: 'lots' }))).toThrow(
      'context: FRAME_PER_SECOND must be a positive number',
    );
    expect(() => settingsFromContext(reader({ LOG_LEVEL: 'LOUD' }))).toThrow(
      /context LOG_LEVEL must be one of/,
    );
  });

  it('makes every variable the handler configuration reads either a knob or stack wiring', () => {
    // The wiring the stack sets itself (tables, endpoints, secrets' ids, appid, admins) or the
    // Lambda runtime sets (region); everything else readConfig reads must be settable as a knob.
    const wiring = new Set([
      ...TABLES.map((t) => t.envVar),
      'TABLE_PREFIX',
      'ADMINS',
      'WECHAT_API_BASE',
      'WECHAT_APPID',
      'WEB_LOGIN_CODE',
      'CONNECTIONS_ENDPOINT',
      'CONNECTIONS_API_URL',
      'DYNAMODB_ENDPOINT',
      ...BUCKETS.map((b) => b.envVar),
      'S3_ENDPOINT',
      'FAN_OUT_WORKER_FUNCTION',
      'LAMBDA_ENDPOINT',
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
    ]);
    const read = new Set<string>();
    readConfig(
      new Proxy({} as NodeJS.ProcessEnv, {
        get: (_target, key) => {
          if (typeof key === 'string') read.add(key);
          return undefined;
        },
      }),
    );
    const knobs = new Set<string>(TUNING_VARIABLES);
    expect([...read].filter((name) => !wiring.has(name) && !knobs.has(name))).toEqual([]);
    expect([...knobs].filter((name) => name !== 'LOG_LEVEL' && !read.has(name))).toEqual([]);
  });
});
