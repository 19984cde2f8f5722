/**
 * One Lambda function for one handler file in functions/handlers/, built the same way for every
 * route: the stack's runtime and architecture (handler-platform.ts), bundled by esbuild into one minified ESM file with source maps, its
 * own log group with a retention, and its own role that may write only to that log group. Table,
 * secret and @connections permissions are granted by the caller from the route table.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ESM_REQUIRE_BANNER, RUNTIME_PROVIDED_MODULES } from './bundle-settings';
import { type HandlerPlatform, PLATFORM_DEFAULTS } from './handler-platform';
import { acknowledgeOlderRuntime } from './nag-suppressions';

/** The repository root (package.json, package-lock.json, functions/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The TypeScript source of a handler. */
export function handlerEntry(handler: string): string {
  return fileURLToPath(new URL(`../../functions/handlers/${handler}.ts`, import.meta.url));
}

export interface HandlerFunctionProps {
  /** File name under functions/handlers/ (without extension) exporting `handler`. */
  readonly handler: string;
  readonly description: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  /** Configuration the handler reads (functions/config.ts, functions/adapters/secrets.ts). */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetention: logs.RetentionDays;
  /** Runtime, architecture and the matching bundle target. */
  readonly platform: HandlerPlatform;
  /**
   * Packages with native code (sharp): installed next to the bundle instead of bundled, for the
   * function's CPU and Linux (npm picks the matching optional @img/sharp-* binaries).
   */
  readonly nativeModules?: readonly string[];
}

export class HandlerFunction extends Construct {
  readonly function: NodejsFunction;
  readonly logGroup: logs.LogGroup;
  readonly handler: string;

  constructor(scope: Construct, id: string, props: HandlerFunctionProps) {
    super(scope, id);
    const entry = handlerEntry(props.handler);
    if (!existsSync(entry)) throw new Error(`no handler file ${entry}`);
    this.handler = props.handler;

    // Logs of a torn-down stack have no one to read them; the data tables are what is retained.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Not AWSLambdaBasicExecutionRole, which may write to every log group in the account.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `campus-chat ${props.handler} handler`,
    });
    this.logGroup.grantWrite(role);

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: props.platform.runtime,
      architecture: props.platform.architecture,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        // Stack traces point into the TypeScript sources (the .map files ship in the bundle).
        NODE_OPTIONS: '--enable-source-maps',
      },
      projectRoot: REPO_ROOT,
      depsLockFilePath: fileURLToPath(new URL('../../package-lock.json', import.meta.url)),
      bundling: {
        format: OutputFormat.ESM,
        target: props.platform.bundleTarget,
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        sourcesContent: false,
        // CDK passes this level to `npm ci` too when it installs nativeModules, and npm knows no
        // "warning" (it prints a warning about it); "error" is a level both understand.
        logLevel: props.nativeModules?.length ? LogLevel.ERROR : LogLevel.WARNING,
        // The AWS SDK v3 clients are taken from the Lambda runtime, which ships them (global and
        // China regions alike), and everything else is bundled. That keeps every function at
        // about 70 KB, inside the 250 KB budget docs/benchmarks.md reports against; bundling the
        // SDK would make each about 440 KB. The price, measured by `npm run bench`: a slower
        // module initialisation on a cold start, and running the runtime's SDK version rather
        // than package-lock.json's (the handlers use long-stable SDK APIs only). The
        // bundled-handler test loads these very bundles with @aws-sdk/* provided from outside,
        // as the runtime provides it. docs/deploy.md explains the trade.
        bundleAwsSDK: false,
        externalModules: [...RUNTIME_PROVIDED_MODULES],
        ...(props.nativeModules && props.nativeModules.length > 0
          ? {
              nodeModules: [...props.nativeModules],
              environment: {
                npm_config_os: 'linux',
                npm_config_libc: 'glibc',
                npm_config_cpu: props.platform.architecture.name === 'arm64' ? 'arm64' : 'x64',
              },
            }
          : {}),
      },
    });
    if (props.platform.runtime.name !== PLATFORM_DEFAULTS.aws.runtime)
      acknowledgeOlderRuntime(this.function);
  }
}
