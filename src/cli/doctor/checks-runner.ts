// The runner folder, its .env, and whether the hook bundle loads under the runner's Node 20.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { runProcess } from '../../exec';
import { VERSION } from '../../protocol/version';
import { readFileState } from '../install/files';
import { parseManifest } from '../install/manifest';
import { installPaths } from '../install/plan-install';
import { notARunnerFolder } from '../runner-folder';
import { fail, firstLine, pass, skip, type CheckResult } from './check';
import { NODE_CHECK_TIMEOUT_MS } from './limits';
import type { DoctorSetup } from './setup';
import { messageOf } from '../../protocol/errors';

const INSTALL_FIX = 'run: dockhand install --runner <runner folder> --registry <host>';

export function checkRunnerFolder(setup: DoctorSetup): CheckResult {
  const problem = notARunnerFolder(setup.layout.root);
  return problem === undefined
    ? pass('runner folder', setup.layout.root)
    : fail('runner folder', problem, 'pass --runner the folder that holds config.sh and run.sh');
}

/** The hook path the runner will use, when .env (or the environment) sets a usable one. */
export function hookPathOf(setup: DoctorSetup): string | undefined {
  const hook = setup.hookEnv.ACTIONS_RUNNER_CONTAINER_HOOKS;
  return hook !== undefined && path.isAbsolute(hook) && hook.endsWith('.js') && existsSync(hook)
    ? hook
    : undefined;
}

export function checkEnvFile(setup: DoctorSetup): CheckResult {
  const name = 'runner .env';
  if (setup.envLines === null) return fail(name, `${setup.layout.envFile} does not exist`, INSTALL_FIX);
  const hook = setup.hookEnv.ACTIONS_RUNNER_CONTAINER_HOOKS;
  if (hook === undefined) return fail(name, 'ACTIONS_RUNNER_CONTAINER_HOOKS is not set', INSTALL_FIX);
  if (!path.isAbsolute(hook) || !hook.endsWith('.js')) {
    return fail(
      name,
      `ACTIONS_RUNNER_CONTAINER_HOOKS=${hook} is not an absolute path ending in .js`,
      'the runner ignores other paths (.mjs and .cjs too): point it at the absolute path of hook.js',
    );
  }
  if (!existsSync(hook))
    return fail(name, `ACTIONS_RUNNER_CONTAINER_HOOKS=${hook}: no such file`, INSTALL_FIX);
  return pass(name, `ACTIONS_RUNNER_CONTAINER_HOOKS=${hook}`);
}

/** Which release install.json says is installed, and which one rollback would put back. */
export function checkInstalledRelease(setup: DoctorSetup): CheckResult {
  const name = 'dockhand release';
  const file = installPaths(setup.layout).manifest;
  let manifest;
  try {
    const state = readFileState(file);
    if (state === null)
      return skip(name, `no ${file}: not installed by 'dockhand install'; this is ${VERSION}`);
    manifest = parseManifest(state.text, file);
  } catch (error) {
    return fail(name, messageOf(error), INSTALL_FIX);
  }
  const kept = manifest.previousVersion === null ? '' : ` (${manifest.previousVersion} kept for rollback)`;
  return pass(name, `${manifest.dockhandVersion} installed${kept}; this dockhand is ${VERSION}`);
}

export async function checkHookLoads(setup: DoctorSetup): Promise<CheckResult> {
  const name = 'hook loads under Node 20';
  const hook = hookPathOf(setup);
  if (hook === undefined) return fail(name, 'no hook file to load (see the .env line)', INSTALL_FIX);
  const node = setup.layout.node20;
  if (!existsSync(node)) {
    return fail(name, `${node} is missing`, 'the runner folder is incomplete: unpack the runner again');
  }
  const env = { PATH: setup.hookEnv.PATH ?? '/usr/bin:/bin' };
  const version = await runProcess([node, '--version'], { env, timeoutMs: NODE_CHECK_TIMEOUT_MS });
  if (version.exitCode !== 0 || !version.stdout.startsWith('v20.')) {
    return fail(
      name,
      `${node} is ${firstLine(version.stdout) || 'not runnable'}, not Node 20`,
      'the runner runs .js hooks with its bundled Node 20: use a runner version that ships externals/node20',
    );
  }
  // --check parses the bundle without running it: running it would start a hook command.
  const parsed = await runProcess([node, '--check', hook], { env, timeoutMs: NODE_CHECK_TIMEOUT_MS });
  if (parsed.exitCode !== 0) {
    return fail(name, `${hook} does not parse: ${firstLine(parsed.stderr)}`, INSTALL_FIX);
  }
  return pass(name, `${hook} parses under ${node} ${version.stdout.trim()}`);
}
