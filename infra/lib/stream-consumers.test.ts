/**
 * The stream consumers as synthesized from functions/event-sources.ts: the messages table streams
 * new images, and the notify function's event-source mapping carries exactly the declared filter
 * criteria, partial batch failures, bisect-on-error, bounded retries and record age, and an SQS
 * on-failure destination that is encrypted, TLS-only and alarmed on.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventSource } from '../../functions/event-sources';
import { tableDefinition } from '../../functions/tables';
import {
  removeSynthOutputs,
  resourcesOf,
  type CfnResourceJson,
  type Synthesized,
  synthesize,
} from '../test/support/synth';
import { actionsOf, type Statement } from '../test/support/template-queries';

afterAll(removeSynthOutputs);

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

const logicalId = (element: unknown) =>
  synth.stack.resolve((element as CfnElement).logicalId) as string;

describe('the notify event source', () => {
  const source = eventSource('notify');

  it('reads the messages table stream with the declared settings and filters', () => {
    const table =
      synth.json.Resources[logicalId(synth.stack.data.tables.messages.node.defaultChild)];
    expect(table?.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
    expect(tableDefinition('messages').stream).toBe('NEW_IMAGE');

    const mappings = resourcesOf(synth.json, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(1);
    const [, mapping] = mappings[0] as [string, { Properties: Record<string, unknown> }];
    const fn = synth.stack.streams.functions.get('notify')?.function;
    expect(mapping.Properties).toMatchObject({
      FunctionName: { Ref: logicalId(fn?.node.defaultChild) },
      StartingPosition: 'LATEST',
      BatchSize: source.batchSize,
      MaximumBatchingWindowInSeconds: source.maxBatchingWindowSeconds,
      MaximumRetryAttempts: source.retryAttempts,
      MaximumRecordAgeInSeconds: source.maxRecordAgeSeconds,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const filters = (mapping.Properties.FilterCriteria as { Filters: { Pattern: string }[] })
      .Filters;
    expect(filters.map((f) => JSON.parse(f.Pattern) as unknown)).toEqual(source.filters);
    const queue = logicalId(synth.stack.streams.deadLetterQueues.get('notify')?.node.defaultChild);
    expect(JSON.stringify(mapping.Properties.DestinationConfig)).toContain(queue);
  });

  it('sends failed batches to an encrypted queue that an alarm watches', () => {
    const queue = synth.stack.streams.deadLetterQueues.get('notify');
    const id = logicalId(queue?.node.defaultChild);
    expect(synth.json.Resources[id]?.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 14 * 24 * 3600,
    });
    const alarm = resourcesOf(synth.json, 'AWS::CloudWatch::Alarm').find(([, r]) =>
      JSON.stringify(r.Properties.Dimensions ?? []).includes(id),
    );
    expect(alarm?.[1].Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Threshold: 1,
    });
  });

  it('grants the function exactly the declared tables and the WeChat secret', () => {
    const env = resourcesOf(synth.json, 'AWS::Lambda::Function').find(
      ([id]) =>
        id === logicalId(synth.stack.streams.functions.get('notify')?.function.node.defaultChild),
    )?.[1].Properties.Environment.Variables as Record<string, unknown>;
    for (const table of Object.keys(source.tables))
      expect(env, table).toHaveProperty(tableDefinition(table as never).envVar);
    expect(env).toHaveProperty('WECHAT_SECRET_ID');
    expect(env).not.toHaveProperty('MODERATION_TABLE');
  });

  it('posts the automatic reply through @connections of this stage only', () => {
    const id = logicalId(synth.stack.streams.functions.get('notify')?.function.node.defaultChild);
    const fn = synth.json.Resources[id] as CfnResourceJson;
    const env = fn.Properties.Environment.Variables as Record<string, unknown>;
    expect(source.manageConnections).toBe(true);
    // The execute-api host of the stage, concrete (a stream record carries no endpoint).
    const apiId = logicalId(synth.stack.webSocket.api.node.defaultChild);
    expect(JSON.stringify(env.CONNECTIONS_API_URL)).toContain(apiId);
    expect(JSON.stringify(env.CONNECTIONS_API_URL)).not.toContain('{stage}');
    // The role's policies, the overflow policy CDK splits off a large one included.
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const statements = Object.values(synth.json.Resources)
      .filter(
        (r) =>
          (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') &&
          JSON.stringify(r.Properties.Roles ?? []).includes(String(roleId)),
      )
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[])
      .filter((st) => actionsOf(st).some((a) => a.startsWith('execute-api:')));
    expect(statements).toHaveLength(1);
    expect(actionsOf(statements[0] as Statement)).toEqual(['execute-api:ManageConnections']);
    // This API's stage only (`.../<apiId>/<stage>/*/@connections/*`), as for the routes.
    expect(JSON.stringify(statements[0]?.Resource)).toContain(apiId);
    expect(JSON.stringify(statements[0]?.Resource)).toMatch(/\/\*\/@connections\/\*"/);
  });
});
