// Entrypoint the runner starts through ACTIONS_RUNNER_CONTAINER_HOOKS (filled in by the hook issue).
process.stderr.write('dockhand hook: not implemented yet\n');
process.exitCode = 1;
