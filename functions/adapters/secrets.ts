/**
 * Secrets the handlers need (the token signing key, WeChat's app secret).
 *
 * On AWS the stack sets `<NAME>_ID` (e.g. `JWT_SECRET_ID`) to a Secrets Manager secret id (name or
 * ARN) and the value is fetched at run time, so it never appears in the template, the function's
 * configuration or the repository. Locally `<NAME>` itself holds the value, written by the local
 * stack from `.data/`.
 *
 * Each secret is fetched once per process on first use (never at module top level, so a bundle
 * never depends on top-level await) and cached; a failed fetch is not cached, so the next
 * invocation tries again instead of failing for the life of the container.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * JWT_SECRET signs session tokens, WECHAT_SECRET is the mini-program's app secret, and
 * WECHAT_PUSH_TOKEN is the message-push Token set in the mini-program's admin console (WeChat
 * signs every push with it; functions/domain/wechat-push-signature.ts).
 */
export type SecretName = 'JWT_SECRET' | 'WECHAT_SECRET' | 'WECHAT_PUSH_TOKEN';

/** The environment variable that names the Secrets Manager secret holding `name`. */
export function secretIdVariable(name: SecretName): `${SecretName}_ID` {
  return `${name}_ID`;
}

const cache = new Map<string, Promise<string>>();
let client: SecretsManagerClient | undefined;

async function fetchSecret(secretId: string, env: NodeJS.ProcessEnv): Promise<string> {
  // The endpoint is the region's (or AWS_ENDPOINT_URL_SECRETS_MANAGER, which the SDK honours).
  client ??= new SecretsManagerClient({
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    maxAttempts: 3,
  });
  let secretString: string | undefined;
  try {
    ({ SecretString: secretString } = await client.send(
      new GetSecretValueCommand({ SecretId: secretId }),
    ));
  } catch (error) {
    // Translated here so no SDK error leaves the adapter; the name and status say what to fix
    // (ResourceNotFoundException: create it; AccessDeniedException / 403: the grant).
    const name = error instanceof Error ? error.name : 'unknown';
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    throw new Error(`secret ${secretId} could not be read: ${name} (HTTP ${status ?? '-'})`, {
      cause: error,
    });
  }
  const value = secretString?.trim();
  if (!value) throw new Error(`secret ${secretId} has no string value`);
  return value;
}

/**
 * The value of secret `name`: from Secrets Manager when `<name>_ID` is set in `env`, else from the
 * variable `name` of `env`. Rejects when neither is configured or the fetch fails.
 */
export async function readSecret(
  name: SecretName,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const secretId = env[secretIdVariable(name)];
  if (secretId) {
    let value = cache.get(secretId);
    if (!value) {
      value = fetchSecret(secretId, env).catch((error: unknown) => {
        cache.delete(secretId);
        throw error;
      });
      cache.set(secretId, value);
    }
    return value;
  }
  const value = env[name];
  if (!value) throw new Error(`${name} is not configured`);
  return value;
}
