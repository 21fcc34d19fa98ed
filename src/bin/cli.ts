// The `dockhand` command (filled in by the operator-tooling issue).
process.stderr.write('dockhand: not implemented yet\n');
process.exitCode = 1;
