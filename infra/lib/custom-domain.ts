/**
 * A custom domain in front of an API Gateway stage. WeChat only talks to ICP-filed domains of the
 * operator's own, never to `*.execute-api` hosts (docs/deploy.md), so both APIs take one.
 */
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type { ICertificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { Construct } from 'constructs';

export interface ApiDomain {
  readonly domainName: string;
  readonly certificate: ICertificate;
}

/**
 * Serves `stage` of `api` at `domain` (TLS 1.2 at least). The DNS record pointing the name at the
 * returned domain's target is the operator's, made outside the stack.
 */
export function mapCustomDomain(
  scope: Construct,
  domain: ApiDomain,
  api: apigwv2.IApi,
  stage: apigwv2.IStage,
): apigwv2.DomainName {
  const domainName = new apigwv2.DomainName(scope, 'Domain', {
    domainName: domain.domainName,
    certificate: domain.certificate,
    securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
  });
  new apigwv2.ApiMapping(scope, 'Mapping', { api, domainName, stage });
  return domainName;
}
