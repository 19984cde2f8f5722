/**
 * The console on AWS (console-hosting.ts): a private bucket behind CloudFront with origin access
 * control, HTTPS only, HSTS and a CSP naming exactly the API origins it may reach; a config.json
 * generated from the stack's own API URLs; CORS on the HTTP API for the console's origin; cdk-nag
 * clean with reasons. China: only with an ICP-filed domain and its IAM certificate.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from './stack-config';
import {
  removeSynthOutputs,
  resourcesOf,
  synthesize,
  type Synthesized,
  tempDir,
} from '../test/support/synth';

let site: string;
let global: Synthesized;
let withDomains: Synthesized;

beforeAll(() => {
  site = join(tempDir(), 'console');
  mkdirSync(site, { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(site, 'config.json'), '{"websocketUrl":"/local"}');
  global = synthesize({ consoleDir: site });
  withDomains = synthesize({
    consoleDir: site,
    settings: {
      customDomain: {
        ...DEFAULT_SETTINGS.customDomain,
        webSocketDomain: 'chat.example.edu.cn',
        webSocketCertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/ws',
        loginDomain: 'chat-api.example.edu.cn',
      },
      consoleDomain: {
        domainName: 'desk.example.edu.cn',
        certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/desk',
      },
    },
  });
});

afterAll(() => removeSynthOutputs());

/** A CloudFormation string value as text: Fn::Join flattened, a GetAtt as `<id>.<attribute>`. */
function text(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] })['Fn::Join'];
  if (join) return join[1].map(text).join(join[0]);
  const getAtt = (value as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (getAtt) return `${getAtt[0]}.${getAtt[1]}`;
  const ref = (value as { Ref?: string }).Ref;
  if (ref) return `{${ref}}`;
  return JSON.stringify(value);
}

function only(synth: Synthesized, type: string) {
  const found = resourcesOf(synth.json, type);
  expect(found.map(([id]) => id)).toHaveLength(1);
  return (found[0] as [string, { Properties: Record<string, never> }])[1].Properties as never;
}

describe('the console on AWS', () => {
  it('keeps the bucket private, TLS only and encrypted, read by CloudFront through OAC', () => {
    const found = resourcesOf(global.json, 'AWS::S3::Bucket').find(([id]) =>
      id.startsWith('ConsoleBucket'),
    ) as [string, { Properties: Record<string, unknown> }];
    const bucket = found[1].Properties;
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.BucketEncryption).toBeDefined();
    const policy = JSON.stringify(
      resourcesOf(global.json, 'AWS::S3::BucketPolicy').find(([id]) =>
        id.startsWith('ConsoleBucket'),
      ),
    );
    expect(policy).toContain('aws:SecureTransport');
    expect(policy).toContain('cloudfront.amazonaws.com');
    expect(resourcesOf(global.json, 'AWS::CloudFront::OriginAccessControl')).toHaveLength(1);
    const distribution = only(global, 'AWS::CloudFront::Distribution') as {
      DistributionConfig: Record<string, { ViewerProtocolPolicy?: string }>;
    };
    expect(distribution.DistributionConfig.DefaultCacheBehavior?.ViewerProtocolPolicy).toBe(
      'redirect-to-https',
    );
  });

  it('sends HSTS and a CSP that allows exactly the API origins when they have domains', () => {
    const headers = only(withDomains, 'AWS::CloudFront::ResponseHeadersPolicy') as {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: Record<string, Record<string, unknown>>;
      };
    };
    const security = headers.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    expect(security.StrictTransportSecurity).toMatchObject({
      AccessControlMaxAgeSec: 31536000,
      IncludeSubdomains: true,
    });
    const csp = text(security.ContentSecurityPolicy?.ContentSecurityPolicy);
    expect(csp).toMatch(
      /connect-src 'self' wss:\/\/chat\.example\.edu\.cn https:\/\/chat-api\.example\.edu\.cn https:\/\/Images\w+\.RegionalDomainName;/,
    );
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('execute-api');
    expect(security.FrameOptions).toMatchObject({ FrameOption: 'DENY' });
  });

  it('lets pictures load from and upload to exactly the image bucket (img-src, connect-src)', () => {
    const headers = only(global, 'AWS::CloudFront::ResponseHeadersPolicy') as {
      ResponseHeadersPolicyConfig: {
        SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
      };
    };
    const csp = text(
      headers.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy
        .ContentSecurityPolicy,
    );
    const buckets = resourcesOf(global.json, 'AWS::S3::Bucket')
      .map(([id]) => id)
      .filter((id) => id.startsWith('Images'));
    expect(buckets).toHaveLength(1);
    const bucket = `https://${String(buckets[0])}.RegionalDomainName`;
    const directive = (name: string) =>
      csp
        .split('; ')
        .find((d) => d.startsWith(`${name} `))
        ?.split(' ')
        .slice(1);
    // blob: is the picked picture's preview while it uploads; data: a mini-program code.
    expect(directive('img-src')).toEqual(["'self'", 'data:', 'blob:', bucket]);
    expect(directive('connect-src')?.slice(-1)).toEqual([bucket]);
    expect(csp).not.toMatch(/\*\.s3|amazonaws\.com(?!\.cn)/);
  });

  it('allows the console domain in the image bucket CORS (uploads are cross-origin POSTs)', () => {
    const [, bucket] = resourcesOf(withDomains.json, 'AWS::S3::Bucket').find(([id]) =>
      id.startsWith('Images'),
    ) as [string, { Properties: { CorsConfiguration?: unknown } }];
    expect(JSON.stringify(bucket.Properties.CorsConfiguration)).toContain(
      '"AllowedOrigins":["https://desk.example.edu.cn"]',
    );
  });

  it("generates config.json from the stack's own API URLs, without the dev login", () => {
    const deployments = resourcesOf(global.json, 'Custom::CDKBucketDeployment');
    expect(deployments).toHaveLength(1);
    const props = (deployments[0] as [string, { Properties: Record<string, unknown> }])[1]
      .Properties;
    const markers = JSON.stringify(props.SourceMarkers);
    // The markers are the URLs' CloudFormation references, resolved at deploy time.
    expect(markers).toContain('Fn::GetAtt');
    expect(markers).toMatch(/Ref|Fn::GetAtt/);
    expect(props.DistributionPaths).toEqual(['/*']);
    const config = JSON.stringify(props.SourceMarkersConfig ?? props);
    expect(config).not.toContain('"devLogin":true');
  });

  it('allows the console origin, and only configured ones, in the HTTP API CORS', () => {
    const apis = resourcesOf(global.json, 'AWS::ApiGatewayV2::Api').filter(
      ([, r]) => (r as { Properties: { ProtocolType: string } }).Properties.ProtocolType === 'HTTP',
    );
    const cors = JSON.stringify(
      (apis[0] as [string, { Properties: { CorsConfiguration: unknown } }])[1].Properties
        .CorsConfiguration,
    );
    const distribution = resourcesOf(global.json, 'AWS::CloudFront::Distribution')[0]?.[0];
    expect(cors).toContain(String(distribution));
    expect(cors).toContain('DomainName');
    expect(
      JSON.stringify(
        (
          resourcesOf(withDomains.json, 'AWS::ApiGatewayV2::Api').find(
            ([, r]) =>
              (r as { Properties: { ProtocolType: string } }).Properties.ProtocolType === 'HTTP',
          ) as [string, { Properties: { CorsConfiguration: unknown } }]
        )[1].Properties.CorsConfiguration,
      ),
    ).toContain('https://desk.example.edu.cn');
  });

  it('passes cdk-nag with every finding acknowledged', () => {
    const violations = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(
      global.app,
    ).violations;
    expect(
      violations.map(
        (v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`,
      ),
    ).toEqual([]);
  });

  it('in China, needs the ICP-filed domain and its IAM certificate, and uses them', () => {
    const china = synthesize({
      region: 'cn-north-1',
      consoleDir: site,
      settings: {
        consoleDomain: { domainName: 'desk.example.edu.cn', iamCertificateId: 'ASCAEXAMPLE' },
      },
    });
    const distribution = only(china, 'AWS::CloudFront::Distribution') as {
      DistributionConfig: Record<string, unknown>;
    };
    expect(distribution.DistributionConfig.Aliases).toEqual(['desk.example.edu.cn']);
    expect(distribution.DistributionConfig.ViewerCertificate).toMatchObject({
      IamCertificateId: 'ASCAEXAMPLE',
      SslSupportMethod: 'sni-only',
    });
    // No origin access control in China (the resource type does not exist there): an OAI.
    expect(resourcesOf(china.json, 'AWS::CloudFront::OriginAccessControl')).toHaveLength(0);
    expect(resourcesOf(china.json, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toHaveLength(
      1,
    );
    const chinaViolations = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(
      china.app,
    ).violations;
    expect(chinaViolations.map((v) => v.ruleName)).toEqual([]);
    const without = synthesize({ region: 'cn-north-1', consoleDir: site });
    expect(resourcesOf(without.json, 'AWS::CloudFront::Distribution')).toHaveLength(0);
  });
});
