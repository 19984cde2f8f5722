/**
 * The worker functions as synthesized from functions/workers.ts: the fan-out worker posts to this
 * stage's connections with exactly its declared table access, Lambda does not retry its
 * asynchronous invocations, and lambda:InvokeFunction on it goes to exactly the routes that
 * declare it in `invokes` (functions/routes.ts), each told its name.
 */
import type { CfnElement } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../functions/routes';
import { FAN_OUT_WORKER } from '../../functions/workers';
import {
  removeSynthOutputs,
  resourcesOf,
  type Synthesized,
  synthesize,
} from '../test/support/synth';
import { actionsOf, resourcesOfStatement, statementsOf } from '../test/support/template-queries';

afterAll(removeSynthOutputs);

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

const logicalId = (element: unknown) =>
  synth.stack.resolve((element as CfnElement).logicalId) as string;

describe('the fan-out worker', () => {
  const worker = () => synth.stack.workers.functions.get('fanOutWorker')?.function;
  const workerId = () => logicalId(worker()?.node.defaultChild);

  it('is a function of its own that posts to this stage and is not retried by Lambda', () => {
    const fn = synth.json.Resources[workerId()];
    expect(fn?.Properties.MemorySize).toBe(FAN_OUT_WORKER.memoryMb);
    expect(JSON.stringify(fn?.Properties.Environment.Variables.CONNECTIONS_API_URL)).toContain(
      'execute-api',
    );
    const configs = resourcesOf(synth.json, 'AWS::Lambda::EventInvokeConfig');
    expect(configs.map(([, c]) => c.Properties)).toContainEqual(
      expect.objectContaining({ FunctionName: { Ref: workerId() }, MaximumRetryAttempts: 0 }),
    );
    const actions = statementsOf(synth.json, fn as never).flatMap(actionsOf);
    expect(actions).toContain('execute-api:ManageConnections');
    expect(actions.filter((a) => a.startsWith('lambda:'))).toEqual([]);
  });

  it('may be invoked by exactly the routes that declare it, which get its name', () => {
    const invoking = new Set(
      ROUTES.filter(
        (r) => r.integration.kind === 'lambda' && r.integration.invokes?.includes('fanOutWorker'),
      ).map((r) => r.routeKey),
    );
    expect(invoking).toEqual(new Set(['sendmessage', 'join', 'leave']));
    for (const [routeKey, handler] of synth.stack.webSocket.functions) {
      const fn = synth.json.Resources[logicalId(handler.function.node.defaultChild)];
      const invokes = statementsOf(synth.json, fn as never).filter((s) =>
        actionsOf(s).includes('lambda:InvokeFunction'),
      );
      const variable = fn?.Properties.Environment.Variables[FAN_OUT_WORKER.nameVariable];
      if (invoking.has(routeKey)) {
        expect(invokes, routeKey).toHaveLength(1);
        expect(JSON.stringify(resourcesOfStatement(invokes[0] as never))).toContain(workerId());
        expect(variable, routeKey).toEqual({ Ref: workerId() });
      } else {
        expect(invokes, routeKey).toEqual([]);
        expect(variable, routeKey).toBeUndefined();
      }
    }
  });
});
