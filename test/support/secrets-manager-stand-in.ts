/**
 * A loopback stand-in for AWS Secrets Manager's `GetSecretValue`, which cannot be reached from
 * the tests. It speaks the documented wire protocol (AWS JSON 1.1: `POST /` with
 * `X-Amz-Target: secretsmanager.GetSecretValue`), so the real SDK client talks to it when
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER` points here. It answers an unknown id the way the service
 * does (400, `ResourceNotFoundException`) and records every request so tests can count fetches.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsManagerStandIn {
  readonly endpoint: string;
  /** The SecretId of every GetSecretValue request, in arrival order. */
  readonly requests: string[];
  /** Makes the next `count` requests fail with 500 InternalServiceError. */
  failNext(count: number): void;
  stop(): Promise<void>;
}

const TARGET = 'secretsmanager.GetSecretValue';

/** Starts the stand-in on a free loopback port, serving `secrets` (id -> SecretString, looked up per request). */
export async function startSecretsManagerStandIn(
  secrets: Readonly<Record<string, string>>,
): Promise<SecretsManagerStandIn> {
  const requests: string[] = [];
  let failures = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const send = (status: number, body: object) => {
        response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        response.end(JSON.stringify(body));
      };
      if (request.method !== 'POST' || request.headers['x-amz-target'] !== TARGET) {
        send(400, { __type: 'UnknownOperationException', message: 'unsupported operation' });
        return;
      }
      const { SecretId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        SecretId: string;
      };
      requests.push(SecretId);
      if (failures > 0) {
        failures -= 1;
        send(500, { __type: 'InternalServiceError', message: 'try again' });
        return;
      }
      const value = secrets[SecretId];
      if (value === undefined) {
        send(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
        return;
      }
      send(200, {
        ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${SecretId}-AbCdEf`,
        Name: SecretId,
        SecretString: value,
        VersionId: '00000000-0000-0000-0000-000000000001',
        VersionStages: ['AWSCURRENT'],
        CreatedDate: Date.now() / 1000,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    failNext(count) {
      failures = count;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
