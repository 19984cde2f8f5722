/**
 * Alarms and dashboard as synthesized: every handler alarms on errors and throttles, every table on
 * throttling, both APIs on server-side errors, all notifying the alarm topic; the dashboard shows
 * connections, messages, errors and p99 duration.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SOURCES } from '../../functions/event-sources';
import { HTTP_ROUTES, ROUTES } from '../../functions/routes';
import { TABLES } from '../../functions/tables';
import {
  removeSynthOutputs,
  resourcesOf,
  type Synthesized,
  synthesize,
} from '../test/support/synth';
import { referencedId } from '../test/support/template-queries';

afterAll(removeSynthOutputs);

let synth: Synthesized;
let withEmail: Synthesized;

beforeAll(() => {
  synth = synthesize();
  withEmail = synthesize({ settings: { alarmEmail: 'it-desk@example.edu.cn' } });
});

function logicalId(element: unknown): string {
  return synth.stack.resolve((element as CfnElement).logicalId) as string;
}

function alarms() {
  return resourcesOf(synth.json, 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
}

function topicId(): string {
  return logicalId(synth.stack.observability.alarmTopic.node.defaultChild);
}

describe('alarms', () => {
  const handlerFunctions = () => {
    const ids = ROUTES.flatMap((r) => {
      const fn = synth.stack.webSocket.functions.get(r.routeKey);
      return fn ? [logicalId(fn.function.node.defaultChild)] : [];
    });
    const consumers = [...synth.stack.streams.functions.values()].map((fn) =>
      logicalId(fn.function.node.defaultChild),
    );
    const http = [...synth.stack.login.functions.values()].map((fn) =>
      logicalId(fn.function.node.defaultChild),
    );
    return [...ids, ...http, ...consumers];
  };

  it('watch every handler function for errors and throttles', () => {
    const functions = handlerFunctions();
    expect(functions).toHaveLength(
      ROUTES.filter((r) => r.integration.kind === 'lambda').length +
        HTTP_ROUTES.length +
        EVENT_SOURCES.length,
    );
    for (const metric of ['Errors', 'Throttles']) {
      const watched = alarms()
        .filter((a) => a.Namespace === 'AWS/Lambda' && a.MetricName === metric)
        .map((a) => referencedId(a.Dimensions[0].Value));
      expect(watched.sort()).toEqual([...functions].sort());
    }
  });

  it('watch every table for read and write throttling', () => {
    const watched = alarms()
      .filter((a) => JSON.stringify(a.Metrics ?? []).includes('ThrottleEvents'))
      .map((a) => {
        const metrics = (a.Metrics as { MetricStat?: { Metric: Record<string, unknown> } }[])
          .flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []))
          .map((m) => m.MetricName);
        expect(metrics.sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
        return JSON.stringify(a.Metrics).match(/"Ref":"(Data[A-Za-z0-9]+)"/)?.[1];
      });
    const tables = TABLES.map((t) => logicalId(synth.stack.data.tables[t.id].node.defaultChild));
    expect(watched.sort()).toEqual(tables.sort());
  });

  it('watch the WebSocket API for server faults, not for 4xx refusals of $connect', () => {
    const alarm = alarms().find((a) => JSON.stringify(a.Metrics ?? []).includes('ExecutionError'));
    const metrics = JSON.stringify(alarm?.Metrics);
    // IntegrationError counts every 401/403 $connect answers an expired token with.
    expect(metrics).not.toContain('IntegrationError');
    expect(metrics).not.toContain('ClientError');
    const filters = resourcesOf(synth.json, 'AWS::Logs::MetricFilter');
    expect(filters).toHaveLength(1);
    const filter = filters[0]?.[1];
    expect(filter?.Properties).toMatchObject({
      FilterPattern: '{ $.status = "5*" }',
      LogGroupName: {
        Ref: logicalId(synth.stack.webSocket.accessLogs.node.defaultChild),
      },
    });
    const transformation = filter?.Properties.MetricTransformations[0] as {
      MetricNamespace: string;
      MetricName: string;
    };
    expect(metrics).toContain(`"MetricName":"${transformation?.MetricName}"`);
    expect(metrics).toContain(`"Namespace":"${transformation?.MetricNamespace}"`);
    expect(metrics).toContain(
      `{"Name":"ApiId","Value":{"Ref":"${logicalId(
        synth.stack.webSocket.api.node.defaultChild,
      )}"}}`,
    );
    expect(metrics).toContain('{"Name":"Stage","Value":"prod"}');
  });

  it('watch the login API for 5xx', () => {
    const alarm = alarms().find((a) => a.MetricName === '5xx');
    expect(alarm).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      Dimensions: [
        { Name: 'ApiId', Value: { Ref: logicalId(synth.stack.login.api.node.defaultChild) } },
        { Name: 'Stage', Value: '$default' },
      ],
    });
  });

  it('all notify the alarm topic, on alarm and when back to OK', () => {
    const all = alarms();
    const handlers =
      ROUTES.filter((r) => r.integration.kind === 'lambda').length +
      HTTP_ROUTES.length +
      EVENT_SOURCES.length;
    // Errors and throttles per function, throttling per table, the two APIs, one per DLQ.
    expect(all.length).toBe(2 * handlers + TABLES.length + 2 + EVENT_SOURCES.length);
    for (const alarm of all) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId() }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId() }]);
      expect(alarm.TreatMissingData).toBe('notBreaching');
    }
  });

  it('subscribe the configured e-mail address, and none by default', () => {
    expect(resourcesOf(synth.json, 'AWS::SNS::Subscription')).toEqual([]);
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'it-desk@example.edu.cn',
    });
  });
});

describe('the dashboard', () => {
  it('shows connections, messages, errors and p99 handler duration', () => {
    const dashboards = resourcesOf(synth.json, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify((dashboards[0] as [string, { Properties: unknown }])[1].Properties);
    for (const expected of ['ConnectCount', 'MessageCount', 'Errors', 'IntegrationError', 'p99']) {
      expect(body).toContain(expected);
    }
    expect(body).toContain('Duration');
  });
});
