/**
 * The browser console on AWS: its static build in a private S3 bucket behind CloudFront (origin
 * access control, HTTPS only, security headers with HSTS and a Content-Security-Policy), and its
 * `config.json` generated at deploy time from the stack's own API URLs, so nobody edits URLs by
 * hand. Two steps because the login API's CORS needs the console's origin and the config needs
 * the APIs: `new ConsoleHosting(...)` (bucket, distribution), then `deploy(config)`.
 *
 * In the AWS China regions CloudFront serves only an ICP-filed custom domain with a certificate
 * uploaded to IAM; give `domain` there (docs/deploy.md "The console").
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { consoleContentSecurityPolicy } from '../../console/scripts/content-security-policy';
import { acknowledgeConsoleHosting } from './nag-suppressions';

export interface ConsoleDomain {
  readonly domainName: string;
  /** Global partition: an ACM certificate in us-east-1 for the domain. */
  readonly certificateArn?: string;
  /** China partition: the id of the server certificate uploaded to IAM (path /cloudfront/). */
  readonly iamCertificateId?: string;
}

export interface ConsoleHostingProps {
  /** The console's static build (console/scripts/build.ts output). */
  readonly siteDir: string;
  /**
   * The origins the page may connect to (connect-src): the WebSocket and HTTP API origins, e.g.
   * `wss://chat.example.edu.cn`. Strings, not the APIs' tokens: the APIs' CORS refers to this
   * distribution, so the headers policy cannot refer back to them.
   */
  readonly connectOrigins: readonly string[];
  /**
   * The image bucket's origins (img-src and connect-src): `https://<bucket regional domain>`,
   * where presigned GETs load pictures and presigned POSTs upload them. The bucket does not
   * refer to this distribution, so its token may be used here.
   */
  readonly imageOrigins: readonly string[];
  readonly domain: ConsoleDomain | undefined;
  readonly china: boolean;
}

/** What the console's `config.json` says (console/src/config.ts). */
export interface ConsoleRuntimeConfig {
  readonly websocketUrl: string;
  readonly loginUrl: string;
  readonly webLoginUrl: string;
}

export { consoleContentSecurityPolicy };

export class ConsoleHosting extends Construct {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  /** `https://<domain>`: the console's origin (for the APIs' CORS). */
  readonly origin: string;

  constructor(
    scope: Construct,
    id: string,
    private readonly props: ConsoleHostingProps,
  ) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // The build is reproducible from the repository; nothing of value is lost with the stack.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    const headers = new cloudfront.ResponseHeadersPolicy(this, 'Headers', {
      comment: 'campus-chat console: HSTS, CSP, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: consoleContentSecurityPolicy({
            connectOrigins: props.connectOrigins,
            imageOrigins: props.imageOrigins,
          }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(365),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: {
          referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER,
          override: true,
        },
      },
    });
    // Origin access control where CloudFront has it; the China regions do not offer
    // AWS::CloudFront::OriginAccessControl (CloudFormation's validation says so), so there the
    // older origin access identity reads the bucket.
    const origin = props.china
      ? origins.S3BucketOrigin.withOriginAccessIdentity(this.bucket)
      : origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const { domain } = props;
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'campus-chat console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      additionalBehaviors: {
        // Read at every page load (console/src/config.ts): never cached, so a redeploy shows.
        '/config.json': {
          origin,
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
          cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
          responseHeadersPolicy: headers,
        },
      },
      httpVersion: cloudfront.HttpVersion.HTTP2,
      ...(domain && !props.china && domain.certificateArn
        ? {
            // Only with a certificate of ours: the default one's policy is CloudFront's.
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
            domainNames: [domain.domainName],
            certificate: acm.Certificate.fromCertificateArn(
              this,
              'Certificate',
              domain.certificateArn,
            ),
          }
        : {}),
    });
    if (domain && props.china) {
      // CloudFront in China takes IAM server certificates only, which the L2 does not model.
      if (!domain.iamCertificateId) {
        throw new Error('the console in the China regions needs consoleIamCertificateId');
      }
      const cfn = this.distribution.node.defaultChild as cloudfront.CfnDistribution;
      cfn.addPropertyOverride('DistributionConfig.Aliases', [domain.domainName]);
      cfn.addPropertyOverride('DistributionConfig.ViewerCertificate', {
        IamCertificateId: domain.iamCertificateId,
        SslSupportMethod: 'sni-only',
        MinimumProtocolVersion: 'TLSv1.2_2021',
      });
    }
    this.origin = `https://${domain?.domainName ?? this.distribution.distributionDomainName}`;
    acknowledgeConsoleHosting(
      this,
      this.bucket,
      this.distribution,
      Boolean(domain),
      undefined,
      props.china,
    );
  }

  /** Publishes the build with a `config.json` of `config` (resolved at deploy time). */
  deploy(config: ConsoleRuntimeConfig): s3deploy.BucketDeployment {
    const deployment = new s3deploy.BucketDeployment(this, 'Deploy', {
      sources: [
        s3deploy.Source.asset(this.props.siteDir, { exclude: ['config.json'] }),
        s3deploy.Source.jsonData('config.json', { ...config, devLogin: false }),
      ],
      destinationBucket: this.bucket,
      distribution: this.distribution,
      distributionPaths: ['/*'],
      prune: true,
      memoryLimit: 256,
    });
    acknowledgeConsoleHosting(this, this.bucket, undefined, false, deployment);
    return deployment;
  }
}

/** The stack's region is in the AWS China partition. */
export function isChinaStack(scope: Construct): boolean {
  const region = Stack.of(scope).region;
  return typeof region === 'string' && region.startsWith('cn-');
}
