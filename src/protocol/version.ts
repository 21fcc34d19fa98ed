// dockhand's version, written into every bundle by the build (scripts/build.mjs) from package.json. The
// hook, the CLI and the install record all report it, so one number says what runs on a runner.
declare const DOCKHAND_VERSION: string | undefined;

/** "dev" when run from the sources (unit tests, tsx), where no build put a version in. */
export const VERSION: string = typeof DOCKHAND_VERSION === 'string' ? DOCKHAND_VERSION : 'dev';
