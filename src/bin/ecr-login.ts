// docker-credential-ecr-login entrypoint (filled in by the credential-helper issue).
process.stdout.write('credentials not found in native keychain\n');
process.exitCode = 1;
