// Limits the registry's link (`test/stack/stack.sh shape`, tc tbf on the registry's side of its veth) for
// as long as a benchmark needs it, and puts back what was there before: after the run, after a failure,
// and on Ctrl-C or SIGTERM. The stack is shared: a limit left on would slow everyone's pulls.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from '../test/support/stack';

const STACK_SH = path.join(repoRoot, 'test/stack/stack.sh');

/** Synchronous, unlike the rest of the bench: a signal handler must put the link back before it exits. */
function stackShape(args: string[], rate?: string): string {
  return execFileSync('bash', [STACK_SH, 'shape', ...args], {
    env: { ...process.env, ...(rate ? { DOCKHAND_LINK_RATE: rate } : {}) },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 30_000,
  });
}

/** The rate a root qdisc as `tc qdisc show` prints it limits the link to; null when it does not limit it. */
export function rateOf(shown: string): string | null {
  if (shown === '' || /^qdisc (noqueue|pfifo_fast|fq_codel) /.test(shown)) return null;
  const rate = /^qdisc tbf .* rate (\S+)/.exec(shown)?.[1];
  if (!rate)
    throw new Error(
      `the registry link has a queueing discipline the bench would not know how to put back (${shown}); ` +
        "remove it ('test/stack/stack.sh shape off') and run the bench again",
    );
  return rate;
}

/** The link's root qdisc as `tc` shows it, and the rate it limits the link to (null: none). */
export function linkState(): { shown: string; rate: string | null } {
  const shown = stackShape(['status']).trim();
  return { shown, rate: rateOf(shown) };
}

/** Runs `action` with the registry link limited to `rate` (tc's units: 200mbit), then restores it. */
export async function withShapedLink<T>(rate: string, action: () => Promise<T>): Promise<T> {
  const before = linkState().rate;
  const restore = () => (before ? stackShape(['on'], before) : stackShape(['off']));
  const onSignal = (signal: NodeJS.Signals) => {
    restore();
    process.stderr.write(`bench: ${signal}: registry link put back as it was (${linkState().shown})\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    stackShape(['on'], rate);
    return await action();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    restore();
  }
}
