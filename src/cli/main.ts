// `dockhand <command>`: parses the command line and dispatches; returns the exit code.
import { parseArgs } from 'node:util';
import { UsageError, type CliConfig, type Output } from './context';
import { AWS_PROBE_COMMAND, probeAwsCredentials } from './doctor/aws-probe';
import { doctor } from './doctor/command';
import { VERSION } from '../protocol/version';
import { install, rollback, uninstall } from './install/command';
import { run } from './run/command';
import { messageOf } from '../protocol/errors';
import { stats } from './stats/command';

const USAGE = `usage: dockhand <command> [options]    (dockhand --version: which release this is)

commands:
  install   --runner <dir> --registry <host>[=<helper>]... [--docker-config <dir>] [--force] [--dry-run]
            set the runner up to use the dockhand hook and credential helpers, or upgrade it in place
            (--force: replace a credHelpers entry that names another helper; an upgrade without
            --registry keeps the registries already set up)
  rollback  --runner <dir> [--dry-run]
            put back the release the last upgrade replaced
  uninstall --runner <dir> [--dry-run]
            put back what install changed
  doctor    --runner <dir> [--json]
            check the setup, one line per check, with a fix for each failure
  run       <workflow.yml> --job <id> [--event <name>] [--matrix NAME=VALUE]... [--secret NAME[=VALUE]]...
            [--var NAME=VALUE]... [--hook <hook.js>]
            play one job's containers and run:/docker:// steps through the hook on this machine
            (--secret NAME reads the value from dockhand's environment)
  stats     <events.jsonl> [--since 24h] [--prometheus]
            pull times, cache hits, failures and slow phases from the hook's HOOK_EVENTS_FILE
            (--prometheus: as Prometheus text, for node_exporter's textfile collector)`;

const OPTIONS = {
  runner: { type: 'string' },
  registry: { type: 'string', multiple: true },
  'docker-config': { type: 'string' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
  job: { type: 'string' },
  hook: { type: 'string' },
  since: { type: 'string' },
  prometheus: { type: 'boolean' },
  event: { type: 'string' },
  matrix: { type: 'string', multiple: true },
  secret: { type: 'string', multiple: true },
  var: { type: 'string', multiple: true },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${messageOf(error)} (see 'dockhand --help')`, { cause: error });
  }
}

function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === '')
    throw new UsageError(`${flag} is required (see 'dockhand --help')`);
  return value;
}

async function dispatch(argv: string[], config: CliConfig, out: Output): Promise<number> {
  const { values, positionals } = parse(argv);
  const [command, ...operands] = positionals;
  // Only `run` (the workflow file) and `stats` (the events file) take an operand.
  const [operand, ...rest] = command === 'run' || command === 'stats' ? operands : [undefined, ...operands];
  if (values.version) {
    out.line(`dockhand ${VERSION}`);
    return 0;
  }
  if (values.help || command === undefined || command === 'help') {
    out.line(USAGE);
    return 0;
  }
  if (rest.length > 0)
    throw new UsageError(`unexpected argument ${JSON.stringify(rest[0])} (see 'dockhand --help')`);
  const dryRun = values['dry-run'] ?? false;
  switch (command) {
    case 'install':
      install(
        {
          runner: required(values.runner, '--runner'),
          registries: values.registry ?? [],
          dockerConfig: values['docker-config'],
          force: values.force ?? false,
          dryRun,
        },
        config,
        out,
      );
      return 0;
    case 'rollback':
      rollback({ runner: required(values.runner, '--runner'), dryRun }, out);
      return 0;
    case 'uninstall':
      uninstall({ runner: required(values.runner, '--runner'), dryRun }, out);
      return 0;
    case 'doctor':
      return doctor({ runner: required(values.runner, '--runner'), json: values.json ?? false }, config, out);
    case AWS_PROBE_COMMAND: // internal: doctor's AWS check, in the environment docker gets
      out.line(JSON.stringify(await probeAwsCredentials()));
      return 0;
    case 'run':
      return run(
        {
          workflow: required(operand, '<workflow.yml>'),
          job: required(values.job, '--job'),
          hook: values.hook,
          event: values.event,
          matrix: values.matrix ?? [],
          secrets: values.secret ?? [],
          vars: values.var ?? [],
        },
        config,
        out,
      );
    case 'stats':
      return stats(
        {
          file: required(operand, '<events.jsonl>'),
          since: values.since,
          prometheus: values.prometheus ?? false,
        },
        out,
      );
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)} (see 'dockhand --help')`);
  }
}

export async function main(argv: string[], config: CliConfig, out: Output, err: Output): Promise<number> {
  try {
    return await dispatch(argv, config, out);
  } catch (error) {
    if (error instanceof UsageError) {
      err.line(`dockhand: ${error.message}`);
      return 2;
    }
    const message = error instanceof Error ? error.message : String(error);
    err.line(`dockhand: ${message}`);
    return 1;
  }
}
