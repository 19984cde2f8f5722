/**
 * What the first real deploy needs, as synthesized: the account-wide API Gateway logging role only
 * when asked for (and then as CDK's own cloudWatchRole makes it), runtime and architecture per
 * partition or as set, ERROR execution logs without data trace, real API names, and the handlers'
 * tuning knobs from stack configuration on every function.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TUNING_VARIABLES } from '../../functions/config';
import {
  type CfnResourceJson,
  removeSynthOutputs,
  resourcesOf,
  type Synthesized,
  synthesize,
} from '../test/support/synth';
import { referencedId } from '../test/support/template-queries';
import { PLATFORM_DEFAULTS, resolvePlatform } from './handler-platform';

afterAll(removeSynthOutputs);

let global: Synthesized;
let china: Synthesized;
let chosen: Synthesized;

const TUNING = { SEND_RATE_LIMIT: '45', FANOUT_CONCURRENCY: '20', DESK_TITLE: '自习室服务台' };

beforeAll(() => {
  global = synthesize({ region: 'us-east-1', settings: { tuning: TUNING } });
  china = synthesize({ region: 'cn-north-1' });
  chosen = synthesize({
    region: 'cn-northwest-1',
    settings: {
      lambdaRuntime: 'nodejs24.x',
      lambdaArchitecture: 'arm64',
      manageApiGatewayAccountRole: true,
    },
  });
});

/** Our functions: not CDK's BucketNotificationsHandler, which CDK builds with its own runtime. */
const functions = (s: Synthesized) =>
  resourcesOf(s.json, 'AWS::Lambda::Function')
    .filter(([id]) => !id.startsWith('BucketNotificationsHandler'))
    .map(([, r]) => r.Properties);

describe('the API Gateway account logging role', () => {
  it('is not touched by default: another stack may own the per-region singleton', () => {
    expect(resourcesOf(global.json, 'AWS::ApiGateway::Account')).toEqual([]);
    expect(resourcesOf(china.json, 'AWS::ApiGateway::Account')).toEqual([]);
  });

  it('when opted in, is set after its role exists, and both outlive the stack', () => {
    const [[, account]] = resourcesOf(chosen.json, 'AWS::ApiGateway::Account') as [
      [string, CfnResourceJson & { DependsOn?: string[] }],
    ];
    const roleId = referencedId(account.Properties.CloudWatchRoleArn);
    expect(account.DependsOn).toContain(roleId);
    expect(account.DeletionPolicy).toBe('Retain');
    expect(chosen.json.Resources[roleId]?.DeletionPolicy).toBe('Retain');
  });
});

describe('runtime and architecture', () => {
  it('default to Node.js 24 on arm64 in the global regions', () => {
    for (const fn of functions(global)) {
      expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
  });

  it('default to what the China regions are confirmed to run there', () => {
    const expected = PLATFORM_DEFAULTS['aws-cn'];
    expect(functions(china).length).toBeGreaterThan(10);
    for (const fn of functions(china)) {
      expect(fn).toMatchObject({
        Runtime: expected.runtime,
        Architectures: [expected.architecture],
      });
    }
  });

  it('follow the settings when set', () => {
    for (const fn of functions(chosen)) {
      expect(fn).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    }
  });

  it('bundle for the Node.js version they run', () => {
    expect(resolvePlatform('cn-north-1', {}).bundleTarget).toBe('node22');
    // A pinned runtime, not CDK's moving NODEJS_LATEST (which has the same name today).
    expect(resolvePlatform('cn-north-1', {}).runtime.isVariable).toBe(false);
    expect(resolvePlatform('eu-west-1', {}).bundleTarget).toBe('node24');
    expect(resolvePlatform('cn-north-1', { runtime: 'nodejs26.x' })).toMatchObject({
      bundleTarget: 'node26',
      runtime: { name: 'nodejs26.x' },
    });
  });
});

describe('the WebSocket stage and the API names', () => {
  it('logs execution errors only, never data (the token is in the $connect query string)', () => {
    for (const s of [global, china]) {
      const [[, stage]] = resourcesOf(s.json, 'AWS::ApiGatewayV2::Stage').filter(
        ([, r]) => r.Properties.StageName === 'prod',
      ) as [[string, CfnResourceJson]];
      expect(stage.Properties.DefaultRouteSettings).toMatchObject({
        LoggingLevel: 'ERROR',
        DataTraceEnabled: false,
      });
    }
  });

  it('names both APIs after the stack', () => {
    const names = resourcesOf(global.json, 'AWS::ApiGatewayV2::Api')
      .map(([, r]) => [r.Properties.ProtocolType, r.Properties.Name])
      .sort();
    expect(names).toEqual([
      ['HTTP', 'CampusChat-login'],
      ['WEBSOCKET', 'CampusChat-websocket'],
    ]);
  });
});

describe('tuning knobs', () => {
  it('reach every function from the stack configuration, and only the ones set', () => {
    const all = functions(global);
    expect(all.length).toBeGreaterThan(10);
    for (const fn of all) {
      const env = fn.Environment.Variables as Record<string, string>;
      expect(env).toMatchObject({ ...TUNING, LOG_LEVEL: 'INFO' });
      const knobs = Object.keys(env).filter((k) =>
        (TUNING_VARIABLES as readonly string[]).includes(k),
      );
      expect(knobs.sort()).toEqual([...Object.keys(TUNING), 'LOG_LEVEL'].sort());
    }
    for (const fn of functions(china)) {
      expect(fn.Environment.Variables).not.toHaveProperty('SEND_RATE_LIMIT');
    }
  });
});
