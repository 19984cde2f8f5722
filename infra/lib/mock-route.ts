/**
 * A WebSocket route that API Gateway answers by itself: a MOCK integration whose integration
 * response renders a fixed frame, sent back to the caller by a route response. No Lambda runs, so
 * a heartbeat `ping` costs one API Gateway message and nothing else.
 *
 * The L2 WebSocketMockIntegration has no integration responses, so this is built from the L1
 * resources API Gateway documents for two-way non-proxy routes:
 * - Integration (MOCK): the request template `{"statusCode":200}` tells the mock which status to
 *   return; the template selection expression `\$default` always picks that template.
 * - IntegrationResponse `$default` (the catch-all): its `$default` response template is the frame.
 * - Route with RouteResponseSelectionExpression `$default` plus a RouteResponse `$default`: without
 *   them the route is one-way and the client would get nothing back.
 */
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';

export interface MockRouteProps {
  readonly api: apigwv2.IWebSocketApi;
  readonly routeKey: string;
  /** The frame sent back, verbatim. */
  readonly response: string;
}

/** Template selection expression that always selects the `$default` template. */
export const STATIC_TEMPLATE_SELECTION = '\\$default';

export class MockRoute extends Construct {
  readonly route: apigwv2.CfnRoute;
  readonly integration: apigwv2.CfnIntegration;

  constructor(scope: Construct, id: string, props: MockRouteProps) {
    super(scope, id);
    const apiId = props.api.apiId;
    this.integration = new apigwv2.CfnIntegration(this, 'Integration', {
      apiId,
      integrationType: 'MOCK',
      description: `${props.routeKey}: answered by API Gateway`,
      requestTemplates: { $default: JSON.stringify({ statusCode: 200 }) },
      templateSelectionExpression: STATIC_TEMPLATE_SELECTION,
    });
    new apigwv2.CfnIntegrationResponse(this, 'IntegrationResponse', {
      apiId,
      integrationId: this.integration.ref,
      integrationResponseKey: '$default',
      responseTemplates: { $default: props.response },
      templateSelectionExpression: STATIC_TEMPLATE_SELECTION,
    });
    this.route = new apigwv2.CfnRoute(this, 'Route', {
      apiId,
      routeKey: props.routeKey,
      target: `integrations/${this.integration.ref}`,
      routeResponseSelectionExpression: '$default',
    });
    new apigwv2.CfnRouteResponse(this, 'RouteResponse', {
      apiId,
      routeId: this.route.ref,
      routeResponseKey: '$default',
    });
  }
}
