/**
 * A local stack for one test file: the shared DynamoDB Local, tables of its own (a unique
 * prefix), the gateway and handlers on a free port.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/local-stack';

/** Starts a stack; stop it in afterAll. */
export function startTestStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  return startLocalStack({
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    tablePrefix: `t${randomBytes(4).toString('hex')}-`,
    admins: 'admin,admin2',
    port: 0,
    ...options,
  });
}
