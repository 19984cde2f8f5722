/**
 * The worker functions, from functions/workers.ts (never a second copy): per entry one function
 * (its own role, logs, exactly the declared access, as for routes), invoked only by the functions
 * that declare it in `invokes` (functions/routes.ts): `grantInvoke` gives them
 * lambda:InvokeFunction on this function alone, and its name in the worker's `nameVariable`.
 * Asynchronous invocations are not retried by Lambda: the handler never fails for a failed post,
 * so a retry could only follow a crash or a timeout, and would post the slice twice; a member a
 * lost slice missed catches up with `sync`, as after any failed post.
 */
import { Aws } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { WorkerFunction, WorkerId } from '../../functions/workers';
import { type AccessTargets, declaredEnvironment, grantDeclaredAccess } from './handler-access';
import { HandlerFunction } from './handler-function';
import type { HandlerPlatform } from './handler-platform';
import { acknowledgeInvoke, acknowledgeManageConnections } from './nag-suppressions';

export interface WorkerFunctionsProps {
  /** The workers (functions/workers.ts WORKERS). */
  readonly workers: readonly WorkerFunction[];
  readonly targets: AccessTargets;
  /** Configuration every handler gets (tuning knobs, log level). */
  readonly environment: Readonly<Record<string, string>>;
  readonly platform: HandlerPlatform;
  readonly logRetention: logs.RetentionDays;
  /** The WebSocket API a worker that declares `manageConnections` posts to. */
  readonly webSocket: {
    readonly api: apigwv2.WebSocketApi;
    readonly stage: apigwv2.WebSocketStage;
  };
}

export class WorkerFunctions extends Construct {
  /** By worker id. */
  readonly functions = new Map<WorkerId, HandlerFunction>();
  private readonly definitions = new Map<WorkerId, WorkerFunction>();

  constructor(scope: Construct, id: string, props: WorkerFunctionsProps) {
    super(scope, id);
    const { webSocket } = props;
    // The execute-api host of the stage, never a custom domain (which does not serve @connections).
    const connectionsUrl = `https://${webSocket.api.apiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${webSocket.stage.stageName}`;
    for (const worker of props.workers) {
      const fn = new HandlerFunction(this, `${worker.id}Handler`, {
        handler: worker.handler,
        description: `campus-chat worker ${worker.id}`,
        memoryMb: worker.memoryMb,
        timeoutSeconds: worker.timeoutSeconds,
        logRetention: props.logRetention,
        platform: props.platform,
        environment: {
          ...props.environment,
          ...declaredEnvironment(worker, props.targets),
          ...(worker.manageConnections ? { CONNECTIONS_API_URL: connectionsUrl } : {}),
        },
      });
      grantDeclaredAccess(fn, worker, props.targets);
      if (worker.manageConnections) {
        webSocket.stage.grantManagementApiAccess(fn.function);
        acknowledgeManageConnections(fn, webSocket.api, webSocket.stage.stageName);
      }
      fn.function.configureAsyncInvoke({ retryAttempts: 0 });
      this.functions.set(worker.id, fn);
      this.definitions.set(worker.id, worker);
    }
  }

  /** Lets `caller` invoke each of `ids`, and tells it their names. */
  grantInvokeTo(caller: HandlerFunction, ids: readonly WorkerId[]): void {
    for (const id of ids) {
      const fn = this.functions.get(id);
      const worker = this.definitions.get(id);
      if (!fn || !worker) throw new Error(`${caller.handler} invokes unknown worker ${id}`);
      fn.function.grantInvoke(caller.function);
      acknowledgeInvoke(caller, fn);
      caller.function.addEnvironment(worker.nameVariable, fn.function.functionName);
    }
  }
}
