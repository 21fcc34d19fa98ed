// For each registry: the helper hands out credentials, and the registry accepts them. The credentials
// stay in memory for the one request; no result line ever contains them.
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import { authOfHelperAnswer, type RegistryAuth } from '../../docker/registry-credentials';
import { findExecutable, runProcess } from '../../exec';
import { fail, firstLine, pass, skip, type CheckResult } from './check';
import { HELPER_GET_TIMEOUT_MS, noAnswerIn, REGISTRY_TIMEOUT_MS } from './limits';
import type { DoctorSetup, RegistryRoute } from './setup';
import { messageOf } from '../../protocol/errors';

/** Where dockerd looks for a registry's CA: the registry check trusts the same one. */
export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

async function fetchCredentials(
  route: RegistryRoute,
  setup: DoctorSetup,
): Promise<RegistryAuth | CheckResult> {
  const name = `credentials for ${route.host}`;
  const program = findExecutable(`docker-credential-${route.helper}`, setup.docker.cliEnv.PATH);
  if (program === null) return skip(name, `docker-credential-${route.helper} not found (see above)`);
  const result = await runProcess([program, 'get'], {
    env: setup.docker.cliEnv,
    input: `${route.host}\n`,
    timeoutMs: HELPER_GET_TIMEOUT_MS,
  });
  if (result.exitCode !== 0) {
    // Helpers print their error on stdout; dockhand's ecr-login adds its reason on stderr.
    const reason = [firstLine(result.stdout), firstLine(result.stderr)].filter((s) => s !== '').join('; ');
    return fail(
      name,
      `docker-credential-${route.helper} get failed: ${result.timedOut ? noAnswerIn(HELPER_GET_TIMEOUT_MS) : reason}`,
      route.helper === 'ecr-login'
        ? 'check the AWS credentials line, the registry id and region, and ecr:GetAuthorizationToken permission'
        : `check what docker-credential-${route.helper} needs to log in`,
    );
  }
  // Parsed as the hook parses it for a pull; an empty secret is a helper that gave nothing usable.
  const credentials = authOfHelperAnswer(result.stdout, route.host);
  if (credentials?.identitytoken || credentials?.password) return credentials;
  return fail(
    name,
    `docker-credential-${route.helper} get did not print {"Username","Secret"}`,
    'the helper does not speak the docker credential-helper protocol: reinstall it',
  );
}

function caFor(host: string, certsDir: string): Buffer | undefined {
  const file = path.join(certsDir, host, 'ca.crt');
  return existsSync(file) ? readFileSync(file) : undefined;
}

/** GET https://<host>/v2/ with basic auth: 200 means the registry accepts the credentials. */
function probeRegistry(host: string, credentials: RegistryAuth, certsDir: string): Promise<number> {
  const [hostname, port] = host.split(':');
  const auth = Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64');
  return new Promise((resolve, reject) => {
    const req = request(
      {
        hostname,
        port: port === undefined ? 443 : Number(port),
        path: '/v2/',
        method: 'GET',
        headers: { Authorization: `Basic ${auth}` },
        ca: caFor(host, certsDir),
        timeout: REGISTRY_TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error(noAnswerIn(REGISTRY_TIMEOUT_MS))));
    req.on('error', reject);
    req.end();
  });
}

export async function checkRegistry(
  route: RegistryRoute,
  setup: DoctorSetup,
  certsDir = DOCKER_CERTS_DIR,
): Promise<CheckResult[]> {
  const credentials = await fetchCredentials(route, setup);
  if ('status' in credentials) return [credentials];
  const got = pass(
    `credentials for ${route.host}`,
    credentials.identitytoken
      ? `docker-credential-${route.helper} gave an identity token`
      : `docker-credential-${route.helper} gave credentials for user ${credentials.username}`,
  );
  const name = `registry ${route.host}`;
  if (credentials.identitytoken) {
    return [got, pass(name, 'identity token: checked by docker at login time, not here')];
  }
  try {
    const status = await probeRegistry(route.host, credentials, certsDir);
    if (status === 200) return [got, pass(name, 'accepts the credentials (GET /v2/ 200)')];
    if (status === 401 || status === 403) {
      return [
        got,
        fail(
          name,
          `refused the credentials from docker-credential-${route.helper} (GET /v2/ ${status})`,
          route.helper === 'ecr-login'
            ? 'the AWS identity may lack access to this registry, or the token is for another account: check the registry id and IAM policy'
            : `the helper's credentials are wrong for this registry: update what docker-credential-${route.helper} stores`,
        ),
      ];
    }
    return [
      got,
      fail(name, `answered GET /v2/ with HTTP ${status}`, 'check that this host is a Docker registry'),
    ];
  } catch (error) {
    return [
      got,
      fail(
        name,
        `unreachable: ${messageOf(error)}`,
        `check DNS, network and TLS for ${route.host} (dockerd's CA goes in ${path.join(certsDir, route.host, 'ca.crt')})`,
      ),
    ];
  }
}
