/**
 * Which Lambda runtime and architecture the handlers run on, decided once for the stack from its
 * settings and its partition. Node.js 24 on arm64 is the choice in the global regions; the China
 * regions get new runtimes later than the global ones (AWS's China Lambda page: "future runtime
 * release dates" do not apply there, https://docs.amazonaws.cn/en_us/aws/latest/userguide/lambda.html)
 * and neither `nodejs24.x` nor arm64 is confirmed in cn-north-1 / cn-northwest-1, so there the
 * default is what is: Node.js 22 on x86_64. Both can be set (`lambdaRuntime`,
 * `lambdaArchitecture`); docs/deploy.md lists them.
 */
import { Token } from 'aws-cdk-lib';
import { Architecture, Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';

export type ArchitectureName = 'arm64' | 'x86_64';

export interface PlatformChoice {
  /** A Node.js Lambda runtime identifier, e.g. `nodejs22.x`. */
  readonly runtime: string;
  readonly architecture: ArchitectureName;
}

/** Defaults per partition. A region-agnostic synth (no region known) takes China's: it runs everywhere. */
export const PLATFORM_DEFAULTS: Readonly<Record<'aws' | 'aws-cn', PlatformChoice>> = {
  aws: { runtime: 'nodejs24.x', architecture: 'arm64' },
  'aws-cn': { runtime: 'nodejs22.x', architecture: 'x86_64' },
};

/** The oldest Node.js the handlers support (package.json engines: >= 20.19). */
const MIN_NODE_MAJOR = 20;

export interface HandlerPlatform {
  readonly runtime: Runtime;
  readonly architecture: Architecture;
  /** esbuild target matching the runtime, e.g. `node22`. */
  readonly bundleTarget: string;
}

/** The partition defaults for a region (a token: unknown until deploy time). */
export function platformDefaults(region: string): PlatformChoice {
  if (Token.isUnresolved(region) || region.startsWith('cn-')) return PLATFORM_DEFAULTS['aws-cn'];
  return PLATFORM_DEFAULTS.aws;
}

/** Checks a runtime identifier: a Node.js runtime no older than the handlers need. */
export function nodeMajorOf(runtime: string): number {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  const major = match ? Number(match[1]) : NaN;
  if (!(major >= MIN_NODE_MAJOR))
    throw new Error(
      `lambdaRuntime ${runtime} must be a Node.js runtime, nodejs${MIN_NODE_MAJOR}.x or newer`,
    );
  return major;
}

/** The platform for a stack in `region`, with the operator's choices over the partition defaults. */
export function resolvePlatform(region: string, chosen: Partial<PlatformChoice>): HandlerPlatform {
  const defaults = platformDefaults(region);
  const runtimeName = chosen.runtime ?? defaults.runtime;
  const major = nodeMajorOf(runtimeName);
  const architecture = chosen.architecture ?? defaults.architecture;
  return {
    // Known runtimes come from aws-cdk-lib; a newer one than it knows is still a Node.js runtime.
    runtime:
      Runtime.ALL.find((r) => r.name === runtimeName && !r.isVariable) ??
      new Runtime(runtimeName, RuntimeFamily.NODEJS, { supportsInlineCode: true }),
    architecture: architecture === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64,
    bundleTarget: `node${major}`,
  };
}
