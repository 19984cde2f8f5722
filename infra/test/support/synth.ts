/**
 * Synthesizes the campus-chat stack for a test, in memory, with the settings and region asked
 * for. Bundling is skipped unless asked for (it runs esbuild for every handler, which takes tens of
 * seconds on a small machine): template assertions do not need the code, and the bundled-handler
 * suite synthesizes with bundling once and tests the bundles themselves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { CampusChatStack } from '../../lib/campus-chat-stack';
import { type CampusChatSettings, DEFAULT_SETTINGS } from '../../lib/stack-config';

export const TEST_ACCOUNT = '123456789012';

let root: string | undefined;

/** A fresh directory under this test file's temporary root (see removeSynthOutputs). */
export function tempDir(): string {
  root ??= mkdtempSync(join(tmpdir(), 'campus-chat-cdk-'));
  return mkdtempSync(join(root, 'out-'));
}

/** Removes every cloud assembly this test file synthesized; call it in afterAll. */
export function removeSynthOutputs(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

export interface SynthOptions {
  /** Target region; `'agnostic'` leaves account and region to deploy time, as a bare `cdk synth`. */
  readonly region?: string;
  readonly settings?: Partial<CampusChatSettings>;
  /** Run esbuild for every handler (slow); default false. */
  readonly bundle?: boolean;
  /** A console build to publish (CampusChatStackProps.consoleDir); default none. */
  readonly consoleDir?: string;
  /** Where the cloud assembly goes; default a fresh temporary directory. */
  readonly outdir?: string;
}

export interface Synthesized {
  readonly app: App;
  readonly stack: CampusChatStack;
  readonly template: Template;
  /** The template as plain JSON. */
  readonly json: TemplateJson;
  /** The cloud assembly directory (assets are in `asset.<hash>/`). */
  readonly outdir: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- CloudFormation properties are free-form JSON that the tests walk by key.
export type CfnProperties = any;

export interface CfnResourceJson {
  Type: string;
  Properties?: CfnProperties;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export interface TemplateJson {
  Resources: Record<string, CfnResourceJson>;
  Outputs?: Record<string, { Value: unknown; Description?: string }>;
  Parameters?: Record<string, { Type: string; Default?: string }>;
}

/** The stack synthesized with DEFAULT_SETTINGS overridden by `options.settings`. */
export function synthesize(options: SynthOptions = {}): Synthesized {
  const outdir = options.outdir ?? tempDir();
  const app = new App({
    outdir,
    context: options.bundle ? {} : { [BUNDLING_STACKS]: [] },
  });
  // Assets bundle while the stack is constructed, each announcing itself on stderr.
  const stack = withoutBundlingNotices(
    () =>
      new CampusChatStack(app, 'CampusChat', {
        ...(options.region === 'agnostic'
          ? {}
          : { env: { account: TEST_ACCOUNT, region: options.region ?? 'us-east-1' } }),
        settings: { ...DEFAULT_SETTINGS, ...options.settings },
        ...(options.consoleDir !== undefined ? { consoleDir: options.consoleDir } : {}),
      }),
  );
  const assembly = app.synth();
  const json = assembly.getStackByName(stack.stackName).template as TemplateJson;
  return { app, stack, template: Template.fromJSON(json), json, outdir };
}

/**
 * Runs `build` without CDK's `Bundling asset …` lines, which it writes to stderr for every
 * function (13 per synthesis): a green test run should print the tests, not a build log.
 * Anything else written to stderr still goes through.
 */
function withoutBundlingNotices<T>(build: () => T): T {
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) =>
    String(chunk).startsWith('Bundling asset ')
      ? true
      : (write as (...args: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stderr.write;
  try {
    return build();
  } finally {
    process.stderr.write = write;
  }
}

/** Resources of a type, by logical id. */
export function resourcesOf(json: TemplateJson, type: string): [string, CfnResourceJson][] {
  return Object.entries(json.Resources).filter(([, r]) => r.Type === type);
}
