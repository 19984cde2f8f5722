/**
 * Questions about a synthesized template that several infra tests ask: which function serves a
 * route, which IAM statements a function's role has.
 */
import type { CfnResourceJson, TemplateJson } from './synth';

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}

type Resource = CfnResourceJson;

function resource(json: TemplateJson, logicalId: string): Resource {
  const found = json.Resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId}`);
  return found;
}

/** The logical id a `{Ref}` or `{Fn::GetAtt}` points at. */
export function referencedId(value: unknown): string {
  const v = value as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  const id = v.Ref ?? v['Fn::GetAtt']?.[0];
  if (!id) throw new Error(`not a reference: ${JSON.stringify(value)}`);
  return id;
}

/** The route resource with `routeKey` on the API `apiLogicalId`. */
export function routeFor(json: TemplateJson, apiLogicalId: string, routeKey: string) {
  const matches = Object.entries(json.Resources).filter(
    ([, r]) =>
      r.Type === 'AWS::ApiGatewayV2::Route' &&
      r.Properties.RouteKey === routeKey &&
      referencedId(r.Properties.ApiId) === apiLogicalId,
  );
  if (matches.length !== 1) throw new Error(`${matches.length} routes ${routeKey}`);
  const [logicalId, route] = matches[0] as [string, Resource];
  return { logicalId, route };
}

/** The integration a route targets (`integrations/<id>`). */
export function integrationOf(json: TemplateJson, route: Resource) {
  const target = route.Properties.Target as { 'Fn::Join': [string, unknown[]] };
  const parts = target['Fn::Join'][1];
  if (parts[0] !== 'integrations/') throw new Error(`unexpected target ${JSON.stringify(target)}`);
  const logicalId = referencedId(parts[1]);
  return { logicalId, integration: resource(json, logicalId) };
}

/** The Lambda function behind an AWS_PROXY integration. */
export function functionOfIntegration(json: TemplateJson, integration: Resource) {
  const uri = integration.Properties.IntegrationUri as unknown;
  const getAtt = JSON.stringify(uri).match(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/);
  if (!getAtt?.[1]) throw new Error(`no function in ${JSON.stringify(uri)}`);
  return { logicalId: getAtt[1], fn: resource(json, getAtt[1]) };
}

/** The Lambda function serving `routeKey` on the API. */
export function functionForRoute(json: TemplateJson, apiLogicalId: string, routeKey: string) {
  const { route } = routeFor(json, apiLogicalId, routeKey);
  const { integration } = integrationOf(json, route);
  return functionOfIntegration(json, integration);
}

/** Every statement of every policy attached to the function's role. */
export function statementsOf(json: TemplateJson, fn: Resource): Statement[] {
  const roleId = referencedId(fn.Properties.Role);
  const role = resource(json, roleId);
  if ((role.Properties.ManagedPolicyArns ?? []).length > 0)
    throw new Error(`role ${roleId} has managed policies`);
  const inline = (role.Properties.Policies ?? []).flatMap(
    (p: { PolicyDocument: { Statement: Statement[] } }) => p.PolicyDocument.Statement,
  );
  const attached = Object.values(json.Resources)
    .filter(
      (r) =>
        // An AWS::IAM::ManagedPolicy naming the role is CDK's overflow of an inline policy over
        // IAM's 10,240-character limit: the role's own statements all the same.
        (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') &&
        ((r.Properties.Roles as unknown[] | undefined) ?? []).some(
          (ref) => referencedId(ref) === roleId,
        ),
    )
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
  return [...inline, ...attached];
}

/** Actions of a statement as a sorted array. */
export function actionsOf(statement: Statement): string[] {
  return (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).slice().sort();
}

/** Resources of a statement as an array. */
export function resourcesOfStatement(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** Every string leaf of a JSON value, with its path. */
export function stringLeaves(value: unknown, path = '$'): { path: string; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringLeaves(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => stringLeaves(v, `${path}.${k}`));
  return [];
}
