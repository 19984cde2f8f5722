#!/usr/bin/env node
/**
 * The CDK app: `npx cdk synth|diff|deploy` (cdk.json runs this file). Settings come from CDK
 * context (cdk.json, `-c key=value`); docs/deploy.md lists them. cdk-nag's AwsSolutions checks run
 * on every synth, so a finding without a written suppression fails it.
 */
import { join } from 'node:path';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CampusChatStack } from '../lib/campus-chat-stack';
import { settingsFromContext } from '../lib/stack-config';
import { buildConsole, CONSOLE_DIR } from '../../console/scripts/build';

const app = new App();
// The console's static build, published by the stack behind CloudFront with a config.json made
// from the stack's outputs (infra/lib/console-hosting.ts). Built fresh for every synth.
const CONSOLE_SITE_DIR = join(CONSOLE_DIR, '..', 'cdk.out', 'console-site');
await buildConsole({ outDir: CONSOLE_SITE_DIR });
const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'CampusChat';
new CampusChatStack(app, stackName, {
  description: 'campus-chat: WebSocket chat backend for a WeChat mini-program',
  env: {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region:
      (app.node.tryGetContext('region') as string | undefined) ?? process.env.CDK_DEFAULT_REGION,
  },
  settings: settingsFromContext((key) => app.node.tryGetContext(key)),
  consoleDir: CONSOLE_SITE_DIR,
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
