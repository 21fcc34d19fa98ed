// How long doctor waits for each thing it starts or asks: every check ends, with a line saying so.

/** `docker version` against the daemon the hook will use. */
export const DOCKER_VERSION_TIMEOUT_MS = 20_000;
/** The runner's Node: `--version`, and `--check` of the hook. */
export const NODE_CHECK_TIMEOUT_MS = 15_000;
/** The AWS default credential chain, in the probe process (instance metadata may be slow). */
export const AWS_PROBE_TIMEOUT_MS = 20_000;
/** `docker-credential-<helper> get`: a cold ECR token fetch takes a few seconds. */
export const HELPER_GET_TIMEOUT_MS = 60_000;
/** `GET https://<registry>/v2/` with the helper's credentials. */
export const REGISTRY_TIMEOUT_MS = 15_000;

/** `no answer in 20 s` for a limit in ms. */
export function noAnswerIn(timeoutMs: number): string {
  return `no answer in ${timeoutMs / 1000} s`;
}
