/**
 * Reading the stack settings from CDK context: defaults, overrides, and refusals of values that
 * would deploy something other than what the operator meant.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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
});
